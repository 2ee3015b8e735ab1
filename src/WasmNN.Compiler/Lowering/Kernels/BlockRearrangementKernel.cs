using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// DepthToSpace and SpaceToDepth: the 6-d transpose of <see cref="BlockRearrangement"/>, so each output row of
/// blocksize (or whole input rows, where they stay contiguous) is one affine copy.
/// </summary>
internal sealed class BlockRearrangementKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["DepthToSpace", "SpaceToDepth"];

    public string? Unsupported(Node node) => InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var layout = ((BlockRearrangementOperator)node.Operator).Layout(node.Attributes, x.Shape!);
        var strides = Shapes.Strides(layout.View);
        int[] transposed = [.. layout.Perm.Select(p => layout.View[p])];
        IndexMapEmitter.Emit(context, w, node.Name, x.ElementType.ByteSize(), context.Address(x), context.Address(y), transposed,
            new int[transposed.Length], transposed, [.. layout.Perm.Select(p => DimensionMap.Affine(0, strides[p]))]);
    }
}
