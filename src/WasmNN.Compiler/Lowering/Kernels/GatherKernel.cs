using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Gather with constant indices (an embedding lookup of fixed tokens, a head split): the data is viewed as
/// [outer, axis, inner] and the output as [outer, indices, inner], whose middle dimension reads through a table
/// of the (normalised) indices.
/// </summary>
internal sealed class GatherKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Gather"];

    public string? Unsupported(Node node)
    {
        if (node.Inputs[1] is not { Constant: { } indices })
        {
            return "the indices input must be a constant";
        }
        var data = node.Inputs[0]!;
        var axis = Shapes.NormalizeAxis(node.GetAttributes<GatherAttributes>().Axis, data.Shape!.Length);
        var dim = data.Shape[axis];
        return indices.ToInt64Array().Any(i => i < -dim || i >= dim) ? $"an index is outside [-{dim}, {dim - 1}]" : InjectiveKernels.UnsupportedElement(data);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var data = node.Inputs[0]!;
        var shape = data.Shape!;
        var axis = Shapes.NormalizeAxis(node.GetAttributes<GatherAttributes>().Axis, shape.Length);
        var indices = node.Inputs[1]!.Constant!.ToInt64Array();
        var outer = Shapes.ElementCount(shape[..axis]);
        var inner = Shapes.ElementCount(shape[(axis + 1)..]);
        int[] outputView = [outer, indices.Length, inner];
        var table = indices.Select(i => (int)(i < 0 ? i + shape[axis] : i) * inner).ToArray();
        IndexMapEmitter.Emit(context, w, node.Name, data.ElementType.ByteSize(), context.Address(data), context.Address(node.Outputs[0]!), outputView,
            new int[3], outputView, [DimensionMap.Affine(0, shape[axis] * inner), DimensionMap.Lookup(table), DimensionMap.Affine(0, 1)]);
    }
}
