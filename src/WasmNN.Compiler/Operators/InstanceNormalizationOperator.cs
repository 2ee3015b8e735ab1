using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of InstanceNormalization.</summary>
/// <param name="Epsilon">Added to the variance (default 1e-5).</param>
public sealed record InstanceNormalizationAttributes(float Epsilon) : OperatorAttributes;

/// <summary>ONNX InstanceNormalization: normalise each N x C plane over its spatial elements.</summary>
/// <remarks>y = scale[c] * (x - mean) / sqrt(variance + epsilon) + B[c], mean and (biased) variance per plane.</remarks>
public sealed class InstanceNormalizationOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "InstanceNormalization";

    /// <inheritdoc/>
    public override int MinOpset => 6;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new InstanceNormalizationAttributes(attributes.GetFloat("epsilon", 1e-5f));

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (x.Shape is { Length: < 3 })
        {
            throw new OperatorException($"InstanceNormalization needs N x C x D1 ..., got {Shapes.Format(x.Shape)}");
        }
        for (var i = 1; i <= 2; i++)
        {
            var p = Required(inputs, i, "scale/B");
            if (p.Shape is { } s && x.Shape is { } xs && xs[1] >= 0 && (s.Length != 1 || s[0] != xs[1]))
            {
                throw new OperatorException($"parameter '{p.Name}' has shape {Shapes.Format(s)}, expected [{xs[1]}]");
            }
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var epsilon = As<InstanceNormalizationAttributes>(attributes).Epsilon;
        var x = Required(inputs, 0, "input");
        var scale = Required(inputs, 1, "scale").ToDoubleArray();
        var bias = Required(inputs, 2, "B").ToDoubleArray();
        var channels = x.Shape[1];
        var size = Shapes.ElementCount(x.Shape[2..]);
        var values = x.ToDoubleArray();
        var y = new double[values.Length];
        for (var plane = 0; plane < values.Length / Math.Max(1, size); plane++)
        {
            var c = plane % channels;
            var span = values.AsSpan(plane * size, size);
            var mean = 0.0;
            foreach (var v in span)
            {
                mean += v;
            }
            mean /= size;
            var variance = 0.0;
            foreach (var v in span)
            {
                variance += (v - mean) * (v - mean);
            }
            variance /= size;
            for (var i = 0; i < size; i++)
            {
                y[plane * size + i] = scale[c] * (span[i] - mean) / Math.Sqrt(variance + epsilon) + bias[c];
            }
        }
        return [Tensor.FromDoubles(x.DataType, x.Shape, y)];
    }
}
