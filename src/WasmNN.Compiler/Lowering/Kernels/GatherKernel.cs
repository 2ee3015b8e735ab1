using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Gather. The data is viewed as [outer, axis, inner] and the output as [outer, indices, inner]. Constant indices
/// (a head split, fixed tokens) become a table of the middle dimension; indices known only at run time (the token
/// ids of an embedding lookup, int64 or int32) are read per row through <see cref="RuntimeIndex"/> (a negative index
/// wraps by the axis size, one still outside the axis is clamped to it).
/// </summary>
internal sealed class GatherKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Gather"];

    public string? Unsupported(Node node)
    {
        var data = node.Inputs[0]!;
        if (InjectiveKernels.UnsupportedElement(data) is { } reason)
        {
            return reason;
        }
        var axis = Shapes.NormalizeAxis(node.GetAttributes<GatherAttributes>().Axis, data.Shape!.Length);
        var dim = data.Shape[axis];
        if (node.Inputs[1] is not { Constant: { } indices })
        {
            return !Shapes.IsStatic(node.Inputs[1]!.Shape) ? $"'{node.Inputs[1]!.Name}' has no static shape"
                : dim == 0 ? "the gathered axis is empty" : null;
        }
        return indices.ToInt64Array().Any(i => i < -dim || i >= dim) ? $"an index is outside [-{dim}, {dim - 1}]" : null;
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var data = node.Inputs[0]!;
        var shape = data.Shape!;
        var axis = Shapes.NormalizeAxis(node.GetAttributes<GatherAttributes>().Axis, shape.Length);
        var outer = Shapes.ElementCount(shape[..axis]);
        var inner = Shapes.ElementCount(shape[(axis + 1)..]);
        if (node.Inputs[1]!.Constant is not { } constant)
        {
            EmitRuntimeIndices(node, context, w, outer, shape[axis], inner);
            return;
        }
        var indices = constant.ToInt64Array();
        int[] outputView = [outer, indices.Length, inner];
        var table = indices.Select(i => (int)(i < 0 ? i + shape[axis] : i) * inner).ToArray();
        IndexMapEmitter.Emit(context, w, node.Name, data.ElementType.ByteSize(), context.Address(data), context.Address(node.Outputs[0]!), outputView,
            new int[3], outputView, [DimensionMap.Affine(0, shape[axis] * inner), DimensionMap.Lookup(table), DimensionMap.Affine(0, 1)]);
    }

    /// <summary>For each outer row and index: read the index (wrapped and clamped by <see cref="RuntimeIndex"/>), copy one inner slice.</summary>
    private static void EmitRuntimeIndices(Node node, LoweringContext context, FunctionBuilder w, int outer, int extent, int inner)
    {
        var indicesValue = node.Inputs[1]!;
        var count = Shapes.ElementCount(indicesValue.Shape!);
        var sliceBytes = inner * node.Inputs[0]!.ElementType.ByteSize();
        var source = context.Address(node.Inputs[0]!);
        var destination = context.Address(node.Outputs[0]!);
        var index = new RuntimeIndex(w, context.Address(indicesValue), indicesValue.ElementType == DataType.Int64);
        var o = w.Local(ValueType.I32);
        var j = w.Local(ValueType.I32);
        w.For(o, 0, outer, 1, () => w.For(j, 0, count, 1, () => w.Copy(
            () => w.I32(destination).Get(o).I32(count).Op(Opcode.I32Mul).Get(j).Op(Opcode.I32Add).I32(sliceBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add),
            () =>
            {
                w.I32(source).Get(o).I32(extent * sliceBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                index.Push(() => w.Get(j), extent);
                w.I32(sliceBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
            },
            sliceBytes)));
    }
}
