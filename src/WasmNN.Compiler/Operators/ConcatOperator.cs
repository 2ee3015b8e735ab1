using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Concat.</summary>
/// <param name="Axis">Axis to join along (required; negative counts from the end).</param>
public sealed record ConcatAttributes(long Axis) : OperatorAttributes;

/// <summary>ONNX Concat: join tensors along one axis.</summary>
public sealed class ConcatOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Concat";

    /// <inheritdoc/>
    public override int MinOpset => 4;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ConcatAttributes(attributes.Has("axis") ? attributes.GetInt("axis", 0) : throw new OperatorException("attribute 'axis' is required"));

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var present = inputs.OfType<Value>().ToList();
        if (present.Count == 0)
        {
            throw new OperatorException("Concat needs at least one input");
        }
        if (present.Any(v => v.Shape is null))
        {
            return [new TensorType(present[0].ElementType, null)];
        }
        var rank = present[0].Shape!.Length;
        var axis = Shapes.NormalizeAxis(As<ConcatAttributes>(attributes).Axis, rank);
        var shape = (int[])present[0].Shape!.Clone();
        foreach (var v in present.Skip(1))
        {
            if (v.ElementType != present[0].ElementType || v.Shape!.Length != rank)
            {
                throw new OperatorException($"input '{v.Name}' ({v.ElementType} {Shapes.Format(v.Shape)}) does not match {present[0].ElementType} rank {rank}");
            }
            for (var d = 0; d < rank; d++)
            {
                if (d == axis)
                {
                    shape[d] = shape[d] < 0 || v.Shape[d] < 0 ? -1 : shape[d] + v.Shape[d];
                }
                else if (shape[d] >= 0 && v.Shape[d] >= 0 && shape[d] != v.Shape[d])
                {
                    throw new OperatorException($"input '{v.Name}' has shape {Shapes.Format(v.Shape)}, incompatible with {Shapes.Format(present[0].Shape)} off axis {axis}");
                }
            }
        }
        return [new TensorType(present[0].ElementType, shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var present = inputs.OfType<Tensor>().ToList();
        var rank = present[0].Rank;
        var axis = Shapes.NormalizeAxis(As<ConcatAttributes>(attributes).Axis, rank);
        var shape = (int[])present[0].Shape.Clone();
        shape[axis] = present.Sum(t => t.Shape[axis]);
        var result = Tensor.Zeros(present[0].DataType, shape);
        var outer = Shapes.ElementCount(shape[..axis]);
        var inner = Shapes.ElementCount(shape[(axis + 1)..]);
        var offset = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var t in present)
            {
                var block = t.Shape[axis] * inner;
                Array.Copy(t.Data, o * block, result.Data, offset, block);
                offset += block;
            }
        }
        return [result];
    }
}
