using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Transpose by any permutation: output dimension d walks input dimension perm[d] (runs that stay contiguous, like ShuffleNet's channel shuffle, become block copies).</summary>
internal sealed class TransposeKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Transpose"];

    public string? Unsupported(Node node) => InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var rank = x.Shape!.Length;
        var perm = node.GetAttributes<TransposeAttributes>().Perm?.Select(p => (int)p).ToArray() ?? [.. Enumerable.Range(0, rank).Reverse()];
        var strides = Shapes.Strides(x.Shape);
        IndexMapEmitter.Emit(context, w, node.Name, x.ElementType.ByteSize(), context.Address(x), context.Address(y), y.Shape!,
            new int[rank], y.Shape!, [.. perm.Select(p => DimensionMap.Affine(0, strides[p]))]);
    }
}

/// <summary>Checks shared by the data-movement kernels.</summary>
internal static class InjectiveKernels
{
    /// <summary>Why elements of <paramref name="value"/> cannot be moved, or null (1-, 2-, 4- and 8-byte elements with a static shape).</summary>
    public static string? UnsupportedElement(Value value) =>
        !Shapes.IsStatic(value.Shape) ? $"'{value.Name}' has no static shape"
        : value.ElementType.ByteSize() is 1 or 2 or 4 or 8 ? null
        : $"'{value.Name}' is {value.ElementType}; data movement handles 1-, 2-, 4- and 8-byte elements";
}
