using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen;

/// <summary>
/// The float64 transcendentals, scalar (one f64 on the stack): the kernels that compute in double as the ONNX spec
/// asks (float64 reductions, Pow by a float exponent) use these, so there is one math library for both widths.
/// </summary>
/// <remarks>
/// Branch-free like the float32 forms. Largest error measured by <c>FloatMathTests</c> against .NET's
/// <c>Math.Exp</c>/<c>Math.Log</c>: about 1 ulp for both. IEEE special values hold as in the float32 forms.
/// </remarks>
public static partial class FloatMath
{
    private const double Log2EDouble = 1.4426950408889634;
    // fdlibm's ln 2 split: the high part has its low 32 bits zero, so k * Ln2HighDouble is exact for |k| < 2^20.
    private const double Ln2HighDouble = 6.93147180369123816490e-01;
    private const double Ln2LowDouble = 1.90821492927058770002e-10;
    // Clamps keeping k = round(x log2 e) in [-1077, 1025] while still giving +inf above and 0 below.
    private const double ExpClampHighDouble = 710;   // e^710 > double.MaxValue
    private const double ExpClampLowDouble = -746;   // e^-746 < 2^-1075, half the smallest subnormal

    /// <summary>Replaces the f64 x on the stack by e^x.</summary>
    /// <remarks>
    /// As the float32 form: x = k ln2 + r with |r| &lt;= ln2/2, e^r by its degree-13 Taylor polynomial (truncation
    /// below 5e-18 relative), then p 2^h 2^(k-h) with h = k &gt;&gt; 1 so both factors are normal and overflow and
    /// gradual underflow come out of the last multiply.
    /// </remarks>
    public static FunctionBuilder Exp64(this FunctionBuilder b)
    {
        var r = b.Local(ValueType.F64);
        var k = b.Local(ValueType.F64);
        var exponent = b.Local(ValueType.I64);
        var half = b.Local(ValueType.I64);
        b.F64(ExpClampHighDouble).Op(Opcode.F64Min).F64(ExpClampLowDouble).Op(Opcode.F64Max).Set(r);
        b.Get(r).F64(Log2EDouble).Op(Opcode.F64Mul).Op(Opcode.F64Nearest).Set(k);
        b.Get(r).Get(k).F64(Ln2HighDouble).Op(Opcode.F64Mul).Op(Opcode.F64Sub).Get(k).F64(Ln2LowDouble).Op(Opcode.F64Mul).Op(Opcode.F64Sub).Set(r);
        // Horner over 1/13!, ..., 1/1!, 1/0!.
        var factorial = 1.0;
        var coefficients = new double[14];
        for (var i = 0; i < coefficients.Length; i++)
        {
            coefficients[i] = 1 / factorial;
            factorial *= i + 1;
        }
        b.F64(coefficients[^1]);
        for (var i = coefficients.Length - 2; i >= 0; i--)
        {
            b.Get(r).Op(Opcode.F64Mul).F64(coefficients[i]).Op(Opcode.F64Add);
        }
        b.Get(k).Op(Opcode.I64TruncSatF64S).Tee(exponent).Code.I64Const(1);
        b.Op(Opcode.I64ShrS).Set(half);
        b.Get(half);
        PowerOfTwo64(b);
        b.Op(Opcode.F64Mul);
        b.Get(exponent).Get(half).Op(Opcode.I64Sub);
        PowerOfTwo64(b);
        return b.Op(Opcode.F64Mul);
    }

    /// <summary>Replaces the i64 e on the stack by the double 2^e, for e in [-1022, 1023].</summary>
    private static void PowerOfTwo64(FunctionBuilder b)
    {
        b.Code.I64Const(1023);
        b.Op(Opcode.I64Add).Code.I64Const(52);
        b.Op(Opcode.I64Shl).Op(Opcode.F64ReinterpretI64);
    }

    /// <summary>Replaces the f64 x on the stack by ln x.</summary>
    /// <remarks>
    /// fdlibm's e_log: x = m 2^e with m in [sqrt(1/2), sqrt 2) from the bits (subnormals scaled by 2^54 first),
    /// f = m - 1, s = f / (2 + f), ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with fdlibm's degree-7 R, plus e ln2
    /// in two parts. ln 0 = -inf, ln(+inf) = +inf, negative or NaN input gives NaN.
    /// </remarks>
    public static FunctionBuilder Log64(this FunctionBuilder b)
    {
        var x = b.Local(ValueType.F64);
        var scaled = b.Local(ValueType.F64);
        var exponent = b.Local(ValueType.F64);
        var f = b.Local(ValueType.F64);
        var s = b.Local(ValueType.F64);
        var z = b.Local(ValueType.F64);
        var halfSquare = b.Local(ValueType.F64);
        var isSubnormal = b.Local(ValueType.I32);
        var below = b.Local(ValueType.I32);
        b.Set(x);
        b.Get(x).F64(2.2250738585072014e-308).Op(Opcode.F64Lt).Set(isSubnormal);
        b.Get(x).F64(18014398509481984.0).Op(Opcode.F64Mul).Get(x).Get(isSubnormal).Op(Opcode.Select).Set(scaled);
        // e = (bits >> 52) - 1022 (x = m 2^e with m in [0.5, 1)), less 54 for a scaled subnormal.
        b.Get(scaled).Op(Opcode.I64ReinterpretF64).Code.I64Const(52);
        b.Op(Opcode.I64ShrS).Code.I64Const(1022);
        b.Op(Opcode.I64Sub).Op(Opcode.F64ConvertI64S);
        b.F64(-54).F64(0).Get(isSubnormal).Op(Opcode.Select).Op(Opcode.F64Add).Set(exponent);
        b.Get(scaled).Op(Opcode.I64ReinterpretF64).Code.I64Const(0x000FFFFFFFFFFFFF);
        b.Op(Opcode.I64And).Code.I64Const(0x3FE0000000000000);
        b.Op(Opcode.I64Or).Op(Opcode.F64ReinterpretI64).Set(f);
        // m < sqrt(1/2): f = 2m - 1 and e - 1; else f = m - 1.
        b.Get(f).F64(0.70710678118654752440).Op(Opcode.F64Lt).Set(below);
        b.Get(f).Get(f).Op(Opcode.F64Add).Get(f).Get(below).Op(Opcode.Select).F64(1).Op(Opcode.F64Sub).Set(f);
        b.Get(exponent).F64(1).Op(Opcode.F64Sub).Get(exponent).Get(below).Op(Opcode.Select).Set(exponent);
        b.Get(f).Get(f).F64(2).Op(Opcode.F64Add).Op(Opcode.F64Div).Set(s);
        b.Get(s).Get(s).Op(Opcode.F64Mul).Set(z);
        b.F64(0.5).Get(f).Op(Opcode.F64Mul).Get(f).Op(Opcode.F64Mul).Set(halfSquare);
        // R = z (Lg1 + z (Lg2 + ... + z Lg7)).
        b.F64(1.479819860511658591e-01);
        foreach (var c in (ReadOnlySpan<double>)[1.531383769920937332e-01, 1.818357216161805012e-01, 2.222219843214978396e-01,
            2.857142874366239149e-01, 3.999999999940941908e-01, 6.666666666666735130e-01])
        {
            b.Get(z).Op(Opcode.F64Mul).F64(c).Op(Opcode.F64Add);
        }
        b.Get(z).Op(Opcode.F64Mul);
        // e ln2_hi - ((f^2/2 - (s (f^2/2 + R) + e ln2_lo)) - f).
        b.Get(halfSquare).Op(Opcode.F64Add).Get(s).Op(Opcode.F64Mul).Get(exponent).F64(Ln2LowDouble).Op(Opcode.F64Mul).Op(Opcode.F64Add);
        var sum = b.Local(ValueType.F64);
        b.Set(sum);
        b.Get(exponent).F64(Ln2HighDouble).Op(Opcode.F64Mul);
        b.Get(halfSquare).Get(sum).Op(Opcode.F64Sub).Get(f).Op(Opcode.F64Sub).Op(Opcode.F64Sub);
        // Special cases: finite positive x keeps the result; 0 -> -inf, +inf -> +inf, negative or NaN -> NaN.
        var result = b.Local(ValueType.F64);
        b.Set(result).Get(result);
        b.F64(double.NegativeInfinity);
        b.F64(double.PositiveInfinity).F64(double.NaN).Get(x).F64(double.PositiveInfinity).Op(Opcode.F64Eq).Op(Opcode.Select);
        b.Get(x).F64(0).Op(Opcode.F64Eq).Op(Opcode.Select);
        b.Get(x).F64(0).Op(Opcode.F64Gt).Get(x).F64(double.PositiveInfinity).Op(Opcode.F64Lt).Op(Opcode.I32And);
        return b.Op(Opcode.Select);
    }
}
