using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX CastLike (opset 15): Cast to the element type of the second input, whose values are not read.</summary>
public sealed class CastLikeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "CastLike";

    /// <inheritdoc/>
    public override int MinOpset => 15;

    /// <summary>Opaque, not elementwise: the fused float32 chains have no step for it (Cast's float32 identity is one).</summary>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [new TensorType(Required(inputs, 1, "target_type").ElementType, Required(inputs, 0, "input").Shape)];

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [CastOperator.Convert(Required(inputs, 0, "input"), Required(inputs, 1, "target_type").DataType)];
}
