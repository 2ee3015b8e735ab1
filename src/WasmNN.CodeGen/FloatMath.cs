using WasmNN.Wasm.Instructions;

namespace WasmNN.CodeGen;

/// <summary>
/// Transcendental functions as inline wasm at a lane width (4 = f32x4, 1 = f32): each replaces x on the stack by
/// f(x). Branch-free, so one body serves the SIMD main loop and the scalar tail, and both give the same bits.
/// </summary>
/// <remarks>
/// Largest error measured by <c>FloatMathTests</c> on the engine against double-precision references, over dense
/// sweeps of every magnitude (subnormals included), in ulps of the correctly rounded result: exp 1.2, log 0.8,
/// tanh 1.3, sigmoid 2.2, erf 3.1 (the tests hold them to 1.5, 1, 1.5, 2.5, 3.5); sin and cos 0.5, tan 1
/// (FloatMath.Trig); sinh and cosh 2.6, asinh 3.7, acosh 2.2, atanh 1.3 (FloatMath.Hyperbolic); atan 2.6, asin 1.9,
/// acos 1.3 (FloatMath.Arc). exp underflows gradually to 0 with
/// one rounding; IEEE special values hold: exp(-inf) = 0, exp(+inf) = +inf, log 0 = -inf, tanh(-0) = -0, and
/// NaN in gives NaN out.
/// </remarks>
public static partial class FloatMath
{
    private const float Log2E = 1.44269504088896341f;
    // ln 2 in two parts: Ln2High has 9 significant bits, so k * Ln2High is exact for |k| <= 2^15.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    // Clamps that keep k = round(x log2 e) in [-150, 129] while still giving e^x = +inf above and 0 below.
    private const float ExpClampHigh = 89f;    // e^89 > float.MaxValue
    private const float ExpClampLow = -104f;   // e^-104 < 2^-150, half the smallest subnormal: rounds to 0
    private const float TanhSmall = 0.625f;    // below it tanh by its odd polynomial (Cephes tanhf)
    private const float ErfSmall = 1f;         // below it erf by its odd polynomial (Cephes erff)

    /// <summary>Replaces x on the stack by e^x.</summary>
    /// <remarks>
    /// x = k ln2 + r with k = round(x log2 e) and |r| &lt;= ln2/2 (Cody-Waite, ln2 in two parts so k ln2 is exact);
    /// e^r by its degree-7 Taylor polynomial (truncation below 7e-9 relative); the result is p 2^h 2^(k-h) with
    /// h = k &gt;&gt; 1, both factors normal floats, so overflow to +inf and gradual underflow to 0 come out of the
    /// last multiply with one rounding. x is clamped to [-104, 89] first, which keeps k in range and maps
    /// -inf to 0 and +inf to +inf; NaN propagates through the clamp.
    /// </remarks>
    public static FunctionBuilder Exp(this FunctionBuilder b, int n)
    {
        var k = b.VectorLocal(n);
        var r = b.VectorLocal(n);
        var exponent = b.MaskLocal(n);
        var half = b.MaskLocal(n);
        b.Constant(n, ExpClampHigh).Min(n).Constant(n, ExpClampLow).Max(n).Set(r);
        b.Get(r).Constant(n, Log2E).Mul(n).Op(n, Opcode.F32Nearest, Opcode.F32x4Nearest).Set(k);
        b.Get(r).Get(k).Constant(n, Ln2High).Mul(n).Sub(n).Get(k).Constant(n, Ln2Low).Mul(n).Sub(n).Set(r);
        // Horner: 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r(1/720 + r/5040)))))).
        b.Constant(n, 1f / 5040);
        foreach (var c in (ReadOnlySpan<float>)[1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f])
        {
            b.Get(r).Mul(n).Constant(n, c).Add(n);
        }
        b.Get(k).Op(n, Opcode.I32TruncSatF32S, Opcode.I32x4TruncSatF32x4S).Tee(exponent).I32(1).Op(n, Opcode.I32ShrS, Opcode.I32x4ShrS).Set(half);
        b.Get(half);
        PowerOfTwo(b, n);
        b.Mul(n);
        b.Get(exponent).Get(half).Op(n, Opcode.I32Sub, Opcode.I32x4Sub);
        PowerOfTwo(b, n);
        return b.Mul(n);
    }

    /// <summary>Replaces the integer e on the stack (i32, or i32x4 lanes) by the float 2^e, for e in [-126, 127].</summary>
    private static void PowerOfTwo(FunctionBuilder b, int n)
    {
        if (n == FunctionBuilder.VectorWidth)
        {
            b.I32(127).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Add).I32(23).Op(Opcode.I32x4Shl);
        }
        else
        {
            b.I32(127).Op(Opcode.I32Add).I32(23).Op(Opcode.I32Shl).Op(Opcode.F32ReinterpretI32);
        }
    }

    /// <summary>Replaces x on the stack by ln x.</summary>
    /// <remarks>
    /// Cephes logf: x = m 2^e with m in [sqrt(1/2), sqrt 2) read from the float's bits (subnormals scaled by 2^23
    /// first), ln m by a degree-9 polynomial in f = m - 1, plus e ln2 with ln2 split in two. Error about 1 ulp.
    /// ln 0 = -inf, ln(+inf) = +inf, negative or NaN input gives NaN.
    /// </remarks>
    public static FunctionBuilder Log(this FunctionBuilder b, int n)
    {
        var x = b.VectorLocal(n);
        var scaled = b.VectorLocal(n);
        var exponent = b.VectorLocal(n);
        var f = b.VectorLocal(n);
        var z = b.VectorLocal(n);
        var isSubnormal = b.MaskLocal(n);
        b.Set(x);
        // Subnormals: scale by 2^23 so the exponent field is normal, and take 23 off the exponent below.
        b.Get(x).Constant(n, 1.17549435e-38f).Op(n, Opcode.F32Lt, Opcode.F32x4Lt).Set(isSubnormal);
        Choose(b, n, () => b.Get(x).Constant(n, 8388608f).Mul(n), () => b.Get(x), isSubnormal);
        b.Set(scaled);
        // e = (bits >> 23) - 126 (the exponent of x as m 2^e with m in [0.5, 1)), as float.
        if (n == FunctionBuilder.VectorWidth)
        {
            b.Get(scaled).I32(23).Op(Opcode.I32x4ShrS).I32(126).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Sub).Op(Opcode.F32x4ConvertI32x4S);
            b.Get(isSubnormal).Op(Opcode.F32x4ConvertI32x4S).Constant(n, 23).Mul(n).Add(n).Set(exponent);
            b.Get(scaled).I32(0x007FFFFF).Op(Opcode.I32x4Splat).Op(Opcode.V128And).I32(0x3F000000).Op(Opcode.I32x4Splat).Op(Opcode.V128Or).Set(f);
        }
        else
        {
            b.Get(scaled).Op(Opcode.I32ReinterpretF32).I32(23).Op(Opcode.I32ShrS).I32(126).Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S);
            b.Constant(n, -23).Constant(n, 0).Get(isSubnormal).Op(Opcode.Select).Add(n).Set(exponent);
            b.Get(scaled).Op(Opcode.I32ReinterpretF32).I32(0x007FFFFF).Op(Opcode.I32And).I32(0x3F000000).Op(Opcode.I32Or).Op(Opcode.F32ReinterpretI32).Set(f);
        }
        // m < sqrt(1/2): f = 2m - 1 and e - 1; else f = m - 1.
        var below = b.MaskLocal(n);
        b.Get(f).Constant(n, 0.707106781186547524f).Op(n, Opcode.F32Lt, Opcode.F32x4Lt).Set(below);
        Choose(b, n, () => b.Get(f).Get(f).Add(n), () => b.Get(f), below);
        b.Constant(n, 1).Sub(n).Set(f);
        Choose(b, n, () => b.Get(exponent).Constant(n, 1).Sub(n), () => b.Get(exponent), below);
        b.Set(exponent);
        b.Get(f).Get(f).Mul(n).Set(z);
        Polynomial(b, n, f, [7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
            -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f]);
        b.Get(f).Mul(n).Get(z).Mul(n);
        b.Get(exponent).Constant(n, Ln2Low).Mul(n).Add(n);
        b.Get(z).Constant(n, 0.5f).Mul(n).Sub(n);
        b.Get(f).Add(n);
        b.Get(exponent).Constant(n, Ln2High).Mul(n).Add(n);
        // Special cases: 0 -> -inf, +inf -> +inf, negative or NaN -> NaN (the bits above are meaningless there).
        var result = b.VectorLocal(n);
        var finitePositive = b.MaskLocal(n);
        var isZero = b.MaskLocal(n);
        var isInfinite = b.MaskLocal(n);
        b.Set(result);
        b.Get(x).Constant(n, 0).Op(n, Opcode.F32Gt, Opcode.F32x4Gt).Get(x).Constant(n, float.PositiveInfinity).Op(n, Opcode.F32Lt, Opcode.F32x4Lt)
            .Op(n, Opcode.I32And, Opcode.V128And).Set(finitePositive);
        b.Get(x).Constant(n, 0).Op(n, Opcode.F32Eq, Opcode.F32x4Eq).Set(isZero);
        b.Get(x).Constant(n, float.PositiveInfinity).Op(n, Opcode.F32Eq, Opcode.F32x4Eq).Set(isInfinite);
        return Choose(b, n, () => b.Get(result), () =>
            Choose(b, n, () => b.Constant(n, float.NegativeInfinity), () =>
                Choose(b, n, () => b.Constant(n, float.PositiveInfinity), () => b.Constant(n, float.NaN), isInfinite), isZero),
            finitePositive);
    }

    /// <summary>Replaces x on the stack by the logistic sigmoid 1 / (1 + e^-x).</summary>
    /// <remarks>
    /// With s = e^-|x|: 1 / (1 + s) for x &gt;= 0 and s / (1 + s) for x &lt; 0, so e^-x never overflows and the negative
    /// tail keeps exp's accuracy down to the subnormals (sigmoid(-100) = e^-100, not 0).
    /// </remarks>
    public static FunctionBuilder Sigmoid(this FunctionBuilder b, int n)
    {
        var x = b.VectorLocal(n);
        var s = b.VectorLocal(n);
        b.Tee(x).Abs(n).Neg(n).Exp(n).Set(s);
        Choose(b, n, () => b.Get(s), () => b.Constant(n, 1), () => b.Get(x).Constant(n, 0).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        return b.Constant(n, 1).Get(s).Add(n).Div(n);
    }

    /// <summary>Replaces x on the stack by tanh x.</summary>
    /// <remarks>
    /// On a = |x|: below 0.625 the Cephes tanhf polynomial a + a z P(z), z = a^2 (no cancellation near 0); above,
    /// 1 - 2 / (e^(2a) + 1), which tends to exactly 1 as e^(2a) overflows. The sign of x is copied onto the result.
    /// </remarks>
    public static FunctionBuilder Tanh(this FunctionBuilder b, int n)
    {
        var x = b.VectorLocal(n);
        var a = b.VectorLocal(n);
        var z = b.VectorLocal(n);
        b.Tee(x).Abs(n).Set(a);
        b.Get(a).Get(a).Mul(n).Set(z);
        Choose(b, n,
            () =>
            {
                Polynomial(b, n, z, [-5.70498872745E-3f, 2.06390887954E-2f, -5.37397155531E-2f, 1.33314422036E-1f, -3.33332819422E-1f]);
                b.Get(z).Mul(n).Get(a).Mul(n).Get(a).Add(n);
            },
            () => b.Constant(n, 1).Constant(n, 2).Get(a).Get(a).Add(n).Exp(n).Constant(n, 1).Add(n).Div(n).Sub(n),
            () => b.Get(a).Constant(n, TanhSmall).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        return CopySign(b, n, x);
    }

    /// <summary>Replaces x on the stack by erf x.</summary>
    /// <remarks>
    /// On a = |x|: below 1 the Cephes erff polynomial a P(a^2); above, Abramowitz and Stegun 7.1.26,
    /// 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-a^2) with t = 1 / (1 + p a) (absolute error below 1.5e-7,
    /// where erf is at least 0.84). The sign of x is copied onto the result.
    /// </remarks>
    public static FunctionBuilder Erf(this FunctionBuilder b, int n)
    {
        var x = b.VectorLocal(n);
        var a = b.VectorLocal(n);
        var z = b.VectorLocal(n);
        var t = b.VectorLocal(n);
        b.Tee(x).Abs(n).Set(a);
        b.Get(a).Get(a).Mul(n).Set(z);
        Choose(b, n,
            () =>
            {
                Polynomial(b, n, z, [7.853861353153693E-5f, -8.010193625184903E-4f, 5.188327685732524E-3f, -2.685381193529856E-2f,
                    1.128358514861418E-1f, -3.761262582423300E-1f, 1.128379165726710E+0f]);
                b.Get(a).Mul(n);
            },
            () =>
            {
                b.Constant(n, 1).Constant(n, 1).Get(a).Constant(n, 0.3275911f).Mul(n).Add(n).Div(n).Set(t);
                b.Constant(n, 1);
                Polynomial(b, n, t, [1.061405429f, -1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f]);
                b.Get(t).Mul(n).Get(z).Neg(n).Exp(n).Mul(n).Sub(n);
            },
            () => b.Get(a).Constant(n, ErfSmall).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        return CopySign(b, n, x);
    }

    /// <summary>Pushes <c>c0 v^(m-1) + ... + c(m-1)</c> by Horner, <paramref name="v"/> a local of the width.</summary>
    private static void Polynomial(FunctionBuilder b, int n, uint v, ReadOnlySpan<float> coefficients)
    {
        b.Constant(n, coefficients[0]);
        foreach (var c in coefficients[1..])
        {
            b.Get(v).Mul(n).Constant(n, c).Add(n);
        }
    }

    /// <summary>Pushes <c>condition ? a : b</c> lane by lane (v128.bitselect) or as a scalar <c>select</c>.</summary>
    public static FunctionBuilder Choose(FunctionBuilder b, int n, Action ifTrue, Action ifFalse, Action condition)
    {
        ifTrue();
        ifFalse();
        condition();
        return b.Op(n, Opcode.Select, Opcode.V128Bitselect);
    }

    /// <summary>Pushes <c>condition ? a : b</c> with the condition in a local from <see cref="FunctionBuilder.MaskLocal"/>.</summary>
    public static FunctionBuilder Choose(FunctionBuilder b, int n, Action ifTrue, Action ifFalse, uint condition) =>
        Choose(b, n, ifTrue, ifFalse, () => b.Get(condition));

    /// <summary>Replaces the magnitude on the stack by itself with the sign of local <paramref name="signSource"/>.</summary>
    public static FunctionBuilder CopySign(FunctionBuilder b, int n, uint signSource)
    {
        if (n != FunctionBuilder.VectorWidth)
        {
            return b.Get(signSource).Op(Opcode.F32Copysign);
        }
        // bitselect(sign source, magnitude, sign-bit mask).
        var magnitude = b.VectorLocal(n);
        return b.Set(magnitude).Get(signSource).Get(magnitude).I32(int.MinValue).Op(Opcode.I32x4Splat).Op(Opcode.V128Bitselect);
    }
}
