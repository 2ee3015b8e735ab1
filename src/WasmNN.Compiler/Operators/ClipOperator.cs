using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Clip: before opset 11 the bounds are attributes; from 11 they are optional inputs.</summary>
/// <param name="Min">Lower bound from the attribute (opset &lt; 11), or null.</param>
/// <param name="Max">Upper bound from the attribute (opset &lt; 11), or null.</param>
public sealed record ClipAttributes(float? Min, float? Max) : OperatorAttributes;

/// <summary>ONNX Clip: limit each element to [min, max] (ReLU6 in MobileNet exports).</summary>
/// <remarks>y = min(max(x, min), max); absent bounds are unbounded.</remarks>
public sealed class ClipOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Clip";

    /// <inheritdoc/>
    public override int MinOpset => 6;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Elementwise;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => opset < 11
        ? new ClipAttributes(attributes.GetFloat("min", float.MinValue), attributes.GetFloat("max", float.MaxValue))
        : new ClipAttributes(null, null);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        foreach (var bound in inputs.Skip(1).OfType<Value>())
        {
            if (bound.Shape is { } s && Shapes.ElementCount(s) != 1)
            {
                throw new OperatorException($"bound '{bound.Name}' must be a scalar, has shape {Shapes.Format(s)}");
            }
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ClipAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        if (x.DataType.IsFloat())
        {
            var min = Optional(inputs, 1)?.GetDouble(0) ?? a.Min ?? double.NegativeInfinity;
            var max = Optional(inputs, 2)?.GetDouble(0) ?? a.Max ?? double.PositiveInfinity;
            return [ReferenceMath.Map(x, v => Math.Min(Math.Max(v, min), max), null)];
        }
        var minInt = Optional(inputs, 1)?.GetInt64(0) ?? long.MinValue;
        var maxInt = Optional(inputs, 2)?.GetInt64(0) ?? long.MaxValue;
        return [ReferenceMath.Map(x, v => v, v => Math.Min(Math.Max(v, minInt), maxInt))];
    }
}
