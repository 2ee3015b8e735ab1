using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of BatchNormalization.</summary>
/// <param name="Epsilon">Added to the variance (default 1e-5).</param>
public sealed record BatchNormalizationAttributes(float Epsilon) : OperatorAttributes;

/// <summary>ONNX BatchNormalization in inference mode (training_mode = 0).</summary>
/// <remarks>
/// Y = scale * (X - mean) / sqrt(var + epsilon) + B, per channel (dimension 1). Opsets before 7 mark inference by
/// is_test = 1 instead of by the output count, and before 6 carry consumed_inputs (an in-place hint, ignored);
/// opsets before 9 allow spatial = 0 (statistics per activation, not per channel), which is rejected.
/// </remarks>
public sealed class BatchNormalizationOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "BatchNormalization";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Broadcast;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        if (attributes.GetInt("training_mode", 0) != 0)
        {
            throw new UnsupportedOperatorException("BatchNormalization with training_mode = 1 is not supported (inference only)");
        }
        if (opset < 7 && attributes.GetInt("is_test", 0) == 0 && attributes.OutputCount > 1)
        {
            throw new UnsupportedOperatorException("BatchNormalization with is_test = 0 and running-statistics outputs is not supported (inference only)");
        }
        if (opset < 9 && attributes.GetInt("spatial", 1) == 0)
        {
            throw new UnsupportedOperatorException("BatchNormalization with spatial = 0 (per-activation statistics) is not supported");
        }
        return new BatchNormalizationAttributes(attributes.GetFloat("epsilon", 1e-5f));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        for (var i = 1; i <= 4; i++)
        {
            var p = Required(inputs, i, "scale/B/mean/var");
            if (p.Shape is { } s && x.Shape is { Length: > 1 } xs && xs[1] >= 0 && (s.Length != 1 || s[0] != xs[1]))
            {
                throw new OperatorException($"parameter '{p.Name}' has shape {Shapes.Format(s)}, expected [{xs[1]}]");
            }
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<BatchNormalizationAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var scale = Required(inputs, 1, "scale").ToDoubleArray();
        var bias = Required(inputs, 2, "B").ToDoubleArray();
        var mean = Required(inputs, 3, "input_mean").ToDoubleArray();
        var variance = Required(inputs, 4, "input_var").ToDoubleArray();
        var channels = x.Shape[1];
        var inner = x.Rank > 2 ? Shapes.ElementCount(x.Shape[2..]) : 1;
        var y = Tensor.Zeros(x.DataType, x.Shape);
        for (var i = 0; i < x.Length; i++)
        {
            var c = i / inner % channels;
            y.SetDouble(i, scale[c] * (x.GetDouble(i) - mean[c]) / Math.Sqrt(variance[c] + a.Epsilon) + bias[c]);
        }
        return [y];
    }
}
