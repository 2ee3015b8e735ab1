using System.Collections.Frozen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Kernels;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// Which kernels lower each ONNX op type, in order of preference; fixed at build time. An op type may have more than
/// one (float32 Add in the vectorised, fusable <see cref="ElementwiseKernel"/>, other dtypes in
/// <see cref="TypedElementwiseKernel"/>): a node goes to the first that accepts it.
/// </summary>
internal static class KernelRegistry
{
    private static readonly FrozenDictionary<string, IKernelLowering[]> s_kernels = BuildTable();

    /// <summary>Every op type with a kernel.</summary>
    public static IEnumerable<string> OpTypes => s_kernels.Keys.Order(StringComparer.Ordinal);

    /// <summary>The preferred kernel for <paramref name="opType"/>, or null.</summary>
    public static IKernelLowering? Find(string opType) => s_kernels.GetValueOrDefault(opType)?[0];

    /// <summary>The kernel for the node, or an error naming the node and why it cannot be lowered.</summary>
    /// <exception cref="UnsupportedOperatorException">No kernel, or every kernel rejects this variant (the reason of the first that covers its element types).</exception>
    public static IKernelLowering Resolve(Node node)
    {
        var kernels = s_kernels.GetValueOrDefault(node.OpType)
            ?? throw new UnsupportedOperatorException($"node '{node.Name}': operator {node.OpType} (opset {node.Opset}) has no wasm kernel");
        // String tensors are offset tables and UTF-8, not fixed-width elements: only string kernels read them.
        var strings = node.AllInputs.Concat(node.Outputs.OfType<Value>()).Any(v => v.ElementType.IsString());
        kernels = [.. kernels.Where(k => k.TakesStrings == strings)];
        if (kernels.Length == 0)
        {
            throw new UnsupportedOperatorException($"node '{node.Name}': operator {node.OpType} (opset {node.Opset}) has no wasm kernel for {(strings ? "string tensors" : "numeric tensors")}");
        }
        var covering = kernels.Where(k => k.Covers(node)).DefaultIfEmpty(kernels[0]).ToList();
        return covering.FirstOrDefault(k => k.Unsupported(node) is null)
            ?? throw new UnsupportedOperatorException($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {covering[0].Unsupported(node)}");
    }

    private static FrozenDictionary<string, IKernelLowering[]> BuildTable()
    {
        IKernelLowering[] kernels =
        [
            new ConvKernel(), new ConvTransposeKernel(), new GemmKernel(), new PoolKernel(), new IntegerMaxPoolKernel(), new WindowPoolKernel(), new GlobalPoolKernel(), new ElementwiseKernel(),
            new ViewKernel(), new ConcatKernel(),
            new SoftmaxKernel(), new ReduceKernel(), new Float64ReduceKernel(), new LayerNormalizationKernel(), new InstanceNormalizationKernel(),
            new BatchNormalizationKernel(), new CastKernel(), new TransposeKernel(), new SliceKernel(), new RuntimeSliceKernel(), new SplitKernel(),
            new TileKernel(), new ExpandKernel(), new PadKernel(), new GatherKernel(), new GatherElementsKernel(), new GatherNDKernel(),
            new ScatterNDKernel(), new ScatterElementsKernel(), new OneHotKernel(), new ReverseSequenceKernel(), new LrnKernel(), new MaxUnpoolKernel(), new DetKernel(), new LpNormalizationKernel(), new MeanVarianceNormalizationKernel(), new ResizeKernel(),
            new BlockRearrangementKernel(), new TypedElementwiseKernel(), new RecurrentKernel(), new TriluKernel(),
            new ArgReduceKernel(), new HardmaxKernel(), new CumSumKernel(), new TopKKernel(), new ClassLossKernel(),
            new LinearQuantizationKernel(), new DynamicQuantizeLinearKernel(), new IntegerMatMulKernel(), new IntegerConvKernel(), new QLinearAddKernel(),
            new NonZeroKernel(), new CompressKernel(), new NonMaxSuppressionKernel(), new UniqueKernel(),
            new GridSampleKernel(), new RoiAlignKernel(), new DftKernel(),
            new StringNormalizerKernel(),
        ];
        return kernels.SelectMany(k => k.OpTypes.Select(op => (op, k))).GroupBy(p => p.op)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.k).ToArray());
    }
}
