using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Size: the number of elements of the input, as an int64 scalar.</summary>
public sealed class SizeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Size";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        Required(inputs, 0, "data");
        return [new TensorType(DataType.Int64, [])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [Tensor.FromInt64s([], [Required(inputs, 0, "data").Length])];

    /// <inheritdoc/>
    public override Tensor[]? TryEvaluateFromShapes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        Required(inputs, 0, "data").Shape is { } shape && Shapes.IsStatic(shape) ? [Tensor.FromInt64s([], [Shapes.ElementCount(shape)])] : null;
}
