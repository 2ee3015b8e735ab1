using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ConstantOfShape.</summary>
/// <param name="Value">One-element tensor giving the fill value and type (default float32 0).</param>
public sealed record ConstantOfShapeAttributes(Tensor Value) : OperatorAttributes;

/// <summary>ONNX ConstantOfShape: a tensor of the shape given by input 0, filled with one value.</summary>
public sealed class ConstantOfShapeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "ConstantOfShape";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var value = attributes.GetTensor("value") ?? Tensor.Scalar(0f);
        return value.Length == 1 ? new ConstantOfShapeAttributes(value) : throw new OperatorException("attribute 'value' must hold exactly one element");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var value = As<ConstantOfShapeAttributes>(attributes).Value;
        var shapeInput = Required(inputs, 0, "input");
        var shape = ReferenceMath.ConstantInts(shapeInput);
        return [new TensorType(value.DataType, shape is not null ? ReferenceMath.ToShape(shape)
            : shapeInput.Shape is [var rank] && rank >= 0 ? [.. Enumerable.Repeat(-1, rank)] : null)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var value = As<ConstantOfShapeAttributes>(attributes).Value;
        var result = Tensor.Zeros(value.DataType, ReferenceMath.ToShape(Required(inputs, 0, "input").ToInt64Array()));
        for (var i = 0; i < result.Length; i++)
        {
            result.CopyElement(value, 0, i);
        }
        return [result];
    }
}
