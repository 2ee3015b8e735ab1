using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Constant.</summary>
/// <param name="Value">The constant tensor (from value, value_float(s) or value_int(s)).</param>
public sealed record ConstantAttributes(Tensor Value) : OperatorAttributes;

/// <summary>
/// ONNX Constant: a tensor given by an attribute. The importer turns these nodes into constant values, so the
/// operator exists for graphs built by hand and for the registry's list of supported operators.
/// </summary>
public sealed class ConstantOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Constant";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        if (attributes.GetTensor("value") is { } tensor)
        {
            return new ConstantAttributes(tensor);
        }
        if (attributes.Has("value_float"))
        {
            return new ConstantAttributes(Tensor.Scalar(attributes.GetFloat("value_float", 0)));
        }
        if (attributes.GetFloats("value_floats") is { } floats)
        {
            return new ConstantAttributes(Tensor.FromFloats([floats.Length], floats));
        }
        if (attributes.Has("value_int"))
        {
            return new ConstantAttributes(Tensor.FromInt64s([], [attributes.GetInt("value_int", 0)]));
        }
        if (attributes.GetInts("value_ints") is { } ints)
        {
            return new ConstantAttributes(Tensor.FromInt64s([ints.Length], ints));
        }
        var names = string.Join(", ", attributes.Names);
        throw new UnsupportedOperatorException($"Constant needs value, value_float(s) or value_int(s); got [{names}] (sparse and string constants are not supported)");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var value = As<ConstantAttributes>(attributes).Value;
        return [new TensorType(value.DataType, value.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) => [As<ConstantAttributes>(attributes).Value];
}
