using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of HannWindow, HammingWindow and BlackmanWindow.</summary>
/// <param name="DataType">ONNX 'output_datatype' (default float).</param>
/// <param name="Periodic">ONNX 'periodic' (default 1): the denominator is N (periodic) or N - 1 (symmetric).</param>
public sealed record WindowFunctionAttributes(DataType DataType, bool Periodic) : OperatorAttributes;

/// <summary>
/// Base of the opset-17 window functions: y[n] = a0 - a1 cos(2 pi n / D) + a2 cos(4 pi n / D) for n in [0, size),
/// D = size (periodic) or size - 1 (symmetric). The output depends only on the size, which must be a constant, so
/// FoldConstants computes it at compile time.
/// </summary>
public abstract class WindowFunctionOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override int MinOpset => 17;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <summary>The cosine coefficients (a0, a1, a2).</summary>
    protected abstract (double A0, double A1, double A2) Coefficients { get; }

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var code = attributes.GetInt("output_datatype", 1);
        var type = OnnxDataTypes.FromOnnx((int)code) ?? throw new UnsupportedOperatorException($"{OpType} to ONNX data type {code} is not supported");
        return new WindowFunctionAttributes(type, attributes.GetInt("periodic", 1) != 0);
    }

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => true;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var size = Required(inputs, 0, "size");
        var type = As<WindowFunctionAttributes>(attributes).DataType;
        return [new TensorType(type, size.Constant is { } constant ? [Length(constant)] : [-1])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<WindowFunctionAttributes>(attributes);
        var length = Length(Required(inputs, 0, "size"));
        var (a0, a1, a2) = Coefficients;
        double denominator = a.Periodic ? length : length - 1;
        var values = new double[length];
        for (var n = 0; n < length; n++)
        {
            var phase = 2 * Math.PI * n / denominator;
            values[n] = a0 - a1 * Math.Cos(phase) + a2 * Math.Cos(2 * phase);
        }
        return [Tensor.FromDoubles(a.DataType, [length], values)];
    }

    private static int Length(Tensor size)
    {
        var n = size.Length == 1 ? size.GetInt64(0) : throw new OperatorException($"size has shape {Shapes.Format(size.Shape)}, expected a scalar");
        return n is >= 0 and <= int.MaxValue ? (int)n : throw new OperatorException($"size {n} is negative or too large");
    }
}

/// <summary>ONNX HannWindow: 0.5 - 0.5 cos(2 pi n / D).</summary>
public sealed class HannWindowOperator : WindowFunctionOperator
{
    /// <inheritdoc/>
    public override string OpType => "HannWindow";

    /// <inheritdoc/>
    protected override (double A0, double A1, double A2) Coefficients => (0.5, 0.5, 0);
}

/// <summary>ONNX HammingWindow: 25/46 - 21/46 cos(2 pi n / D).</summary>
public sealed class HammingWindowOperator : WindowFunctionOperator
{
    /// <inheritdoc/>
    public override string OpType => "HammingWindow";

    /// <inheritdoc/>
    protected override (double A0, double A1, double A2) Coefficients => (25.0 / 46, 21.0 / 46, 0);
}

/// <summary>ONNX BlackmanWindow: 0.42 - 0.5 cos(2 pi n / D) + 0.08 cos(4 pi n / D).</summary>
public sealed class BlackmanWindowOperator : WindowFunctionOperator
{
    /// <inheritdoc/>
    public override string OpType => "BlackmanWindow";

    /// <inheritdoc/>
    protected override (double A0, double A1, double A2) Coefficients => (0.42, 0.5, 0.08);
}
