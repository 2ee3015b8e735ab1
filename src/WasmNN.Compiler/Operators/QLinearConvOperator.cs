using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX QLinearConv (opset 10): the integer convolution plus int32 bias, requantized to y's scale and zero point.</summary>
/// <remarks>
/// Y = saturate(round_half_even((acc + B[m]) * (x_scale * w_scale[m] / y_scale)) + y_zero_point); x and y per
/// tensor, w per tensor or per output channel.
/// </remarks>
public sealed class QLinearConvOperator : OnnxOperator
{
    private static readonly ConvOperator s_conv = new();

    /// <inheritdoc/>
    public override string OpType => "QLinearConv";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => s_conv.ParseAttributes(attributes, opset);

    /// <summary>Scales, zero points and the bias configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 1 or 2 or 4 or 5 or 6 or 7 or 8;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "x");
        var w = Required(inputs, 3, "w");
        var yZeroPoint = Required(inputs, 7, "y_zero_point");
        Quantization.RequireEightBit(x, "x");
        Quantization.RequireEightBit(w, "w");
        Quantization.RequireEightBit(yZeroPoint, "y_zero_point");
        Quantization.RequireSameType(Required(inputs, 2, "x_zero_point"), x.ElementType, "x");
        Quantization.RequireSameType(Required(inputs, 5, "w_zero_point"), w.ElementType, "w");
        if (Optional(inputs, 8) is { } bias && bias.ElementType != DataType.Int32)
        {
            throw new OperatorException($"B must be int32, got {bias.ElementType}");
        }
        return [new TensorType(yZeroPoint.ElementType, ConvIntegerOperator.OutputShape(As<ConvAttributes>(attributes), x, w))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "x");
        var bias = Optional(inputs, 8) is { } b ? (int[])b.Data : null;
        var sums = IntegerProducts.Convolution(As<ConvAttributes>(attributes), x, Quantization.ZeroPoints(Required(inputs, 2, "x_zero_point"), 1)[0],
            Required(inputs, 3, "w"), Quantization.ZeroPoints(Required(inputs, 5, "w_zero_point"), 1), bias);
        var yZeroPoint = Required(inputs, 7, "y_zero_point");
        var multipliers = Multipliers(Required(inputs, 1, "x_scale"), Required(inputs, 4, "w_scale"), Required(inputs, 6, "y_scale"));
        var plane = Shapes.ElementCount(sums.Shape[2..]);
        return [IntegerProducts.Requantize(sums, multipliers, (int)yZeroPoint.GetInt64(0), yZeroPoint.DataType, plane)];
    }

    /// <summary>x_scale * w_scale[m] / y_scale per output channel (one when w is per tensor).</summary>
    /// <exception cref="OperatorException">x_scale or y_scale is not per tensor.</exception>
    public static float[] Multipliers(Tensor xScale, Tensor wScale, Tensor yScale) => QLinearMatMulOperator.Multipliers(xScale, wScale, yScale);
}
