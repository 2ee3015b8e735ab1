using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX QLinearMatMul (opset 10): the integer matmul of quantized A and B requantized to y's scale and zero point.</summary>
/// <remarks>
/// Y = saturate(round_half_even(acc * (a_scale * b_scale[j] / y_scale)) + y_zero_point) with acc the int32 sum of
/// (A - a_zero_point) * (B - b_zero_point[j]); A per tensor, B per tensor or per column.
/// </remarks>
public sealed class QLinearMatMulOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "QLinearMatMul";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <summary>Scales and zero points configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 1 or 2 or 4 or 5 or 6 or 7;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = Required(inputs, 0, "a");
        var b = Required(inputs, 3, "b");
        var yZeroPoint = Required(inputs, 7, "y_zero_point");
        Quantization.RequireEightBit(a, "a");
        Quantization.RequireEightBit(b, "b");
        Quantization.RequireEightBit(yZeroPoint, "y_zero_point");
        Quantization.RequireSameType(Required(inputs, 2, "a_zero_point"), a.ElementType, "a");
        Quantization.RequireSameType(Required(inputs, 5, "b_zero_point"), b.ElementType, "b");
        return [new TensorType(yZeroPoint.ElementType, a.Shape is null || b.Shape is null ? null : MatMulOperator.OutputShape(a.Shape, b.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var sums = IntegerProducts.MatMul(Required(inputs, 0, "a"), Quantization.ZeroPoints(Required(inputs, 2, "a_zero_point"), 1),
            Required(inputs, 3, "b"), Quantization.ZeroPoints(Required(inputs, 5, "b_zero_point"), 1));
        var yZeroPoint = Required(inputs, 7, "y_zero_point");
        var multipliers = Multipliers(Required(inputs, 1, "a_scale"), Required(inputs, 4, "b_scale"), Required(inputs, 6, "y_scale"));
        return [IntegerProducts.Requantize(sums, multipliers, (int)yZeroPoint.GetInt64(0), yZeroPoint.DataType, 1)];
    }

    /// <summary>a_scale * b_scale[j] / y_scale per column (one when B is per tensor).</summary>
    /// <exception cref="OperatorException">a_scale or y_scale is not per tensor.</exception>
    public static float[] Multipliers(Tensor aScale, Tensor bScale, Tensor yScale)
    {
        if (aScale.Length != 1 || yScale.Length != 1)
        {
            throw new UnsupportedOperatorException("a_scale and y_scale must be per tensor");
        }
        return Quantization.Multipliers(Quantization.Scales(aScale)[0], Quantization.Scales(bScale), Quantization.Scales(yScale)[0]);
    }
}
