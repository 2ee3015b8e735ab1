using System.Collections.Frozen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Kernels;

namespace WasmNN.Compiler.Lowering;

/// <summary>Which kernel lowers each ONNX op type; fixed at build time.</summary>
internal static class KernelRegistry
{
    private static readonly FrozenDictionary<string, IKernelLowering> s_kernels = BuildTable();

    /// <summary>Every op type with a kernel.</summary>
    public static IEnumerable<string> OpTypes => s_kernels.Keys.Order(StringComparer.Ordinal);

    /// <summary>The kernel for <paramref name="opType"/>, or null.</summary>
    public static IKernelLowering? Find(string opType) => s_kernels.GetValueOrDefault(opType);

    /// <summary>The kernel for the node, or an error naming the node and why it cannot be lowered.</summary>
    /// <exception cref="UnsupportedOperatorException">No kernel, or the kernel rejects this variant.</exception>
    public static IKernelLowering Resolve(Node node)
    {
        var kernel = Find(node.OpType)
            ?? throw new UnsupportedOperatorException($"node '{node.Name}': operator {node.OpType} (opset {node.Opset}) has no wasm kernel");
        if (kernel.Unsupported(node) is { } reason)
        {
            throw new UnsupportedOperatorException($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {reason}");
        }
        return kernel;
    }

    private static FrozenDictionary<string, IKernelLowering> BuildTable()
    {
        IKernelLowering[] kernels =
        [
            new ConvKernel(), new GemmKernel(), new PoolKernel(), new GlobalPoolKernel(), new ElementwiseKernel(),
            new ViewKernel(), new ConcatKernel(),
            new SoftmaxKernel(), new ReduceKernel(), new LayerNormalizationKernel(), new InstanceNormalizationKernel(),
            new BatchNormalizationKernel(), new CastKernel(), new TransposeKernel(), new SliceKernel(), new SplitKernel(),
            new TileKernel(), new ExpandKernel(), new PadKernel(), new GatherKernel(), new ResizeKernel(),
            new BlockRearrangementKernel(), new TypedElementwiseKernel(), new RecurrentKernel(),
        ];
        return kernels.SelectMany(k => k.OpTypes.Select(op => (op, k))).ToFrozenDictionary(p => p.op, p => p.k);
    }
}
