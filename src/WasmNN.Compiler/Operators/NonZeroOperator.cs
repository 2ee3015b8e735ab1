using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// ONNX NonZero (opset 9): the int64 coordinates of the nonzero elements, one row per input axis, in row-major order.
/// The count depends on the data: at most every element, so the output's second dimension is a run-time length
/// bounded by the input's size.
/// </summary>
public sealed class NonZeroOperator : OnnxOperator, IBoundedOutputOperator
{
    /// <inheritdoc/>
    public override string OpType => "NonZero";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Constant is { } constant)
        {
            return [new TensorType(DataType.Int64, Evaluate(attributes, [constant])[0].Shape)];
        }
        return [new TensorType(DataType.Int64, x.Shape is null ? null : [Math.Max(1, x.Shape.Length), -1])];
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Shape is not { Length: > 0 } shape || !Shapes.IsStatic(shape))
        {
            throw new OperatorException($"input '{x.Name}' needs a static shape of rank 1 or more, got {Shapes.Format(x.Shape)}");
        }
        return [new BoundedShape([shape.Length, Shapes.ElementCount(shape)], [1])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var shape = x.Rank == 0 ? [1] : x.Shape;
        var strides = Shapes.Strides(shape);
        var found = Enumerable.Range(0, x.Length).Where(i => x.GetDouble(i) != 0).ToList();
        var result = new long[shape.Length * found.Count];
        for (var k = 0; k < found.Count; k++)
        {
            for (var d = 0; d < shape.Length; d++)
            {
                result[d * found.Count + k] = found[k] / strides[d] % shape[d];
            }
        }
        return [Tensor.FromInt64s([shape.Length, found.Count], result)];
    }
}
