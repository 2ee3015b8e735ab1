using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// com.microsoft QLinearAdd (onnxruntime's contrib operator, which its QOperator models and its QDQ fusion use): the
/// sum of two quantized tensors (numpy broadcasting) quantized to C's scale and zero point,
/// C = saturate(round_half_even((A_scale * (A - A_zero_point) + B_scale * (B - B_zero_point)) / C_scale) + C_zero_point).
/// </summary>
/// <remarks>
/// Evaluated in float32 in exactly the steps of DequantizeLinear, Add and QuantizeLinear (each product, the sum, the
/// division), so <c>FuseQuantizedOperators</c> can replace that QDQ chain by this operator without changing a bit.
/// </remarks>
public sealed class QLinearAddOperator : OnnxOperator
{
    /// <summary>onnxruntime's contrib operator domain.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <inheritdoc/>
    public override string OpType => "QLinearAdd";

    /// <inheritdoc/>
    public override string Domain => MicrosoftDomain;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <summary>Scales and zero points configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 1 or 2 or 4 or 5 or 6 or 7;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 3, "B");
        Quantization.RequireEightBit(a, "A");
        if (b.ElementType != a.ElementType)
        {
            throw new OperatorException($"B is {b.ElementType} but A is {a.ElementType}; QLinearAdd takes one 8-bit type");
        }
        Quantization.RequireSameType(inputs.ElementAtOrDefault(2), a.ElementType, "A");
        Quantization.RequireSameType(inputs.ElementAtOrDefault(5), a.ElementType, "B");
        Quantization.RequireSameType(inputs.ElementAtOrDefault(7), a.ElementType, "C");
        return [new TensorType(a.ElementType, a.Shape is null || b.Shape is null ? null : Shapes.Broadcast(a.Shape, b.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 3, "B");
        var p = Parameters.Of(inputs);
        var shape = Shapes.Broadcast(a.Shape, b.Shape);
        var c = Tensor.Zeros(a.DataType, shape);
        ReferenceMath.ForEachBroadcast([a.Shape, b.Shape], (o, offsets) =>
            c.SetInt64(o, p.Add((int)a.GetInt64(offsets[0]), (int)b.GetInt64(offsets[1]), a.DataType)));
        return [c];
    }

    /// <summary>The three scales and zero points, per tensor.</summary>
    internal sealed record Parameters(float AScale, int AZero, float BScale, int BZero, float CScale, int CZero)
    {
        /// <exception cref="OperatorException">A scale or zero point has more than one element.</exception>
        public static Parameters Of(IReadOnlyList<Tensor?> inputs)
        {
            float Scale(int index, string what) => Required(inputs, index, what) is { Length: 1 } s ? Quantization.Scales(s)[0]
                : throw new UnsupportedOperatorException($"{what} must be per tensor");
            int Zero(int index, string what) => inputs.ElementAtOrDefault(index) is { } z
                ? z.Length == 1 ? (int)z.GetInt64(0) : throw new UnsupportedOperatorException($"{what} must be per tensor")
                : 0;
            return new Parameters(Scale(1, "A_scale"), Zero(2, "A_zero_point"), Scale(4, "B_scale"), Zero(5, "B_zero_point"), Scale(6, "C_scale"), Zero(7, "C_zero_point"));
        }

        /// <summary>One element: dequantized A plus dequantized B, quantized to C.</summary>
        public int Add(int a, int b, DataType type) =>
            Quantization.Quantize(Quantization.Dequantize(a, AScale, AZero) + Quantization.Dequantize(b, BScale, BZero), CScale, CZero, type);
    }
}
