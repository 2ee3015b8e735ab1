using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of LRN.</summary>
/// <param name="Alpha">Scale (default 1e-4).</param>
/// <param name="Beta">Exponent (default 0.75).</param>
/// <param name="Bias">Offset (default 1).</param>
/// <param name="Size">Number of channels summed over (required).</param>
public sealed record LrnAttributes(float Alpha, float Beta, float Bias, int Size) : OperatorAttributes;

/// <summary>ONNX LRN: local response normalisation across channels (dimension 1).</summary>
/// <remarks>
/// y = x / (bias + alpha / size * sum of x^2 over channels [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]
/// clipped to the tensor)^beta.
/// </remarks>
public sealed class LrnOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "LRN";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var size = attributes.GetInt("size", 0);
        return size is > 0 and <= int.MaxValue
            ? new LrnAttributes(attributes.GetFloat("alpha", 1e-4f), attributes.GetFloat("beta", 0.75f), attributes.GetFloat("bias", 1f), (int)size)
            : throw new OperatorException($"attribute 'size' is {size}; LRN needs a positive size");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (!x.ElementType.IsFloat() || x.Shape is { Length: < 3 })
        {
            throw new OperatorException($"X is {x.ElementType} {Shapes.Format(x.Shape)}; LRN needs a float tensor [N, C, D1, ...]");
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <summary>The first channel of the window around channel 0 (the window of c is [c - Before, c - Before + size)).</summary>
    public static int Before(LrnAttributes a) => (a.Size - 1) / 2;

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<LrnAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var (batch, channels, inner) = (x.Shape[0], x.Shape[1], Shapes.ElementCount(x.Shape[2..]));
        var y = Tensor.Zeros(x.DataType, x.Shape);
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                for (var i = 0; i < inner; i++)
                {
                    var sum = 0.0;
                    for (var k = Math.Max(0, c - Before(a)); k < Math.Min(channels, c - Before(a) + a.Size); k++)
                    {
                        var v = x.GetDouble((n * channels + k) * inner + i);
                        sum += v * v;
                    }
                    var at = (n * channels + c) * inner + i;
                    y.SetDouble(at, x.GetDouble(at) / Math.Pow(a.Bias + a.Alpha / a.Size * sum, a.Beta));
                }
            }
        }
        return [y];
    }
}
