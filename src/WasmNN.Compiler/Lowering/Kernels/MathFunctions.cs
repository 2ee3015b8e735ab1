using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Transcendental functions as inline wasm, at either lane width, accurate to a few float ulps.</summary>
internal static class MathFunctions
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    /// <summary>Replaces x on the stack by e^x.</summary>
    /// <remarks>
    /// x = k ln2 + r with k = round(x log2 e) and |r| &lt;= ln2/2 (ln2 split in two for an exact product); e^r by its
    /// degree-7 Taylor polynomial (error below 3e-9 relative); 2^k built in the exponent bits. x is clamped so k
    /// stays a normal exponent; above 88.72 the result is +inf, NaN stays NaN.
    /// </remarks>
    public static void Exp(FunctionBuilder w, int n)
    {
        var x = w.VectorLocal(n);
        var k = w.VectorLocal(n);
        var r = w.VectorLocal(n);
        w.Set(x);
        w.Get(x).Constant(n, 88.0f).Min(n).Constant(n, -87.3f).Max(n).Set(r);
        w.Get(r).Constant(n, Log2E).Mul(n).Op(n == 4 ? Opcode.F32x4Nearest : Opcode.F32Nearest).Set(k);
        w.Get(r).Get(k).Constant(n, Ln2Hi).Mul(n).Sub(n).Get(k).Constant(n, Ln2Lo).Mul(n).Sub(n).Set(r);
        // Horner: 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r(1/720 + r/5040)))))).
        float[] coefficients = [1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f];
        w.Constant(n, coefficients[0]);
        foreach (var c in coefficients.Skip(1))
        {
            w.Get(r).Mul(n).Constant(n, c).Add(n);
        }
        // 2^k: (k + 127) << 23 as float bits.
        w.Get(k);
        if (n == 4)
        {
            w.Op(Opcode.I32x4TruncSatF32x4S).I32(127).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Add).I32(23).Op(Opcode.I32x4Shl);
        }
        else
        {
            w.Op(Opcode.I32TruncSatF32S).I32(127).Op(Opcode.I32Add).I32(23).Op(Opcode.I32Shl).Op(Opcode.F32ReinterpretI32);
        }
        w.Mul(n);
        // Overflow to +inf; the clamp would otherwise cap it at e^88.
        w.Set(r);
        w.Constant(n, float.PositiveInfinity).Get(r).Get(x).Constant(n, 88.72f).Op(n == 4 ? Opcode.F32x4Gt : Opcode.F32Gt);
        w.Op(n == 4 ? Opcode.V128Bitselect : Opcode.Select);
    }

    /// <summary>Replaces x on the stack by ln x.</summary>
    /// <remarks>
    /// Cephes logf: x = m 2^e with m in [sqrt(1/2), sqrt 2) read from the float's bits (subnormals scaled by 2^23
    /// first), ln m by a degree-9 polynomial in f = m - 1, plus e ln2 with ln2 split in two. Error about 1 ulp.
    /// ln 0 = -inf, ln(+inf) = +inf, negative or NaN input gives NaN.
    /// </remarks>
    public static void Log(FunctionBuilder w, int n)
    {
        var x = w.VectorLocal(n);
        var scaled = w.VectorLocal(n);
        var exponent = w.VectorLocal(n);
        var f = w.VectorLocal(n);
        var z = w.VectorLocal(n);
        var isSubnormal = w.Local(n == 4 ? ValueType.V128 : ValueType.I32);
        w.Set(x);
        // Subnormals: scale by 2^23 so the exponent field is normal, and take 23 off the exponent below.
        w.Get(x).Constant(n, 1.17549435e-38f).Op(n == 4 ? Opcode.F32x4Lt : Opcode.F32Lt).Set(isSubnormal);
        Choose(w, n, () => w.Get(x).Constant(n, 8388608f).Mul(n), () => w.Get(x), isSubnormal);
        w.Set(scaled);
        // e = (bits >> 23) - 126 (the exponent of x as m 2^e with m in [0.5, 1)), as float.
        if (n == 4)
        {
            w.Get(scaled).I32(23).Op(Opcode.I32x4ShrS).I32(126).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Sub).Op(Opcode.F32x4ConvertI32x4S);
            w.Get(isSubnormal).Op(Opcode.F32x4ConvertI32x4S).Constant(n, 23).Mul(n).Add(n).Set(exponent);
            w.Get(scaled).I32(0x007FFFFF).Op(Opcode.I32x4Splat).Op(Opcode.V128And).I32(0x3F000000).Op(Opcode.I32x4Splat).Op(Opcode.V128Or).Set(f);
        }
        else
        {
            w.Get(scaled).Op(Opcode.I32ReinterpretF32).I32(23).Op(Opcode.I32ShrS).I32(126).Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S);
            w.Constant(n, -23).Constant(n, 0).Get(isSubnormal).Op(Opcode.Select).Add(n).Set(exponent);
            w.Get(scaled).Op(Opcode.I32ReinterpretF32).I32(0x007FFFFF).Op(Opcode.I32And).I32(0x3F000000).Op(Opcode.I32Or).Op(Opcode.F32ReinterpretI32).Set(f);
        }
        // m < sqrt(1/2): f = 2m - 1 and e - 1; else f = m - 1.
        var below = w.Local(n == 4 ? ValueType.V128 : ValueType.I32);
        w.Get(f).Constant(n, 0.707106781186547524f).Op(n == 4 ? Opcode.F32x4Lt : Opcode.F32Lt).Set(below);
        Choose(w, n, () => w.Get(f).Get(f).Add(n), () => w.Get(f), below);
        w.Constant(n, 1).Sub(n).Set(f);
        Choose(w, n, () => w.Get(exponent).Constant(n, 1).Sub(n), () => w.Get(exponent), below);
        w.Set(exponent);
        w.Get(f).Get(f).Mul(n).Set(z);
        float[] coefficients = [7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
            -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f];
        w.Constant(n, coefficients[0]);
        foreach (var c in coefficients.Skip(1))
        {
            w.Get(f).Mul(n).Constant(n, c).Add(n);
        }
        w.Get(f).Mul(n).Get(z).Mul(n);
        w.Get(exponent).Constant(n, Ln2Lo).Mul(n).Add(n);
        w.Get(z).Constant(n, 0.5f).Mul(n).Sub(n);
        w.Get(f).Add(n);
        w.Get(exponent).Constant(n, Ln2Hi).Mul(n).Add(n);
        // Special cases: 0 -> -inf, +inf -> +inf, negative or NaN -> NaN (the bits above are meaningless there).
        var result = w.VectorLocal(n);
        var finitePositive = w.Local(n == 4 ? ValueType.V128 : ValueType.I32);
        var isZero = w.Local(n == 4 ? ValueType.V128 : ValueType.I32);
        var isInfinite = w.Local(n == 4 ? ValueType.V128 : ValueType.I32);
        w.Set(result);
        w.Get(x).Constant(n, 0).Op(n == 4 ? Opcode.F32x4Gt : Opcode.F32Gt).Get(x).Constant(n, float.PositiveInfinity).Op(n == 4 ? Opcode.F32x4Lt : Opcode.F32Lt)
            .Op(n == 4 ? Opcode.V128And : Opcode.I32And).Set(finitePositive);
        w.Get(x).Constant(n, 0).Op(n == 4 ? Opcode.F32x4Eq : Opcode.F32Eq).Set(isZero);
        w.Get(x).Constant(n, float.PositiveInfinity).Op(n == 4 ? Opcode.F32x4Eq : Opcode.F32Eq).Set(isInfinite);
        Choose(w, n, () => w.Get(result), () =>
        {
            Choose(w, n, () => w.Constant(n, float.NegativeInfinity), () =>
                Choose(w, n, () => w.Constant(n, float.PositiveInfinity), () => w.Constant(n, float.NaN), isInfinite), isZero);
        }, finitePositive);
    }

    /// <summary>Replaces x on the stack by erf x.</summary>
    /// <remarks>
    /// Abramowitz and Stegun 7.1.26: erf |x| = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^{-x^2} with
    /// t = 1 / (1 + p |x|), absolute error below 1.5e-7; the sign of x is copied onto the result.
    /// </remarks>
    public static void Erf(FunctionBuilder w, int n)
    {
        var x = w.VectorLocal(n);
        var t = w.VectorLocal(n);
        var abs = n == 4 ? Opcode.F32x4Abs : Opcode.F32Abs;
        w.Set(x);
        w.Constant(n, 1).Constant(n, 1).Get(x).Op(abs).Constant(n, 0.3275911f).Mul(n).Add(n).Div(n).Set(t);
        w.Constant(n, 1);
        w.Constant(n, 1.061405429f);
        foreach (var c in new[] { -1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f })
        {
            w.Get(t).Mul(n).Constant(n, c).Add(n);
        }
        w.Get(t).Mul(n);
        w.Get(x).Get(x).Mul(n).Op(n == 4 ? Opcode.F32x4Neg : Opcode.F32Neg);
        Exp(w, n);
        w.Mul(n).Sub(n);
        CopySign(w, n, x);
    }

    /// <summary>Pushes <c>condition ? a : b</c> lane by lane; <paramref name="condition"/> is a lane mask (v128) or an i32.</summary>
    public static void Choose(FunctionBuilder w, int n, Action a, Action b, uint condition)
    {
        a();
        b();
        w.Get(condition).Op(n == 4 ? Opcode.V128Bitselect : Opcode.Select);
    }

    /// <summary>Replaces the magnitude on the stack by itself with the sign of local <paramref name="signSource"/>.</summary>
    public static void CopySign(FunctionBuilder w, int n, uint signSource)
    {
        if (n == 4)
        {
            // bitselect(sign source, magnitude, sign-bit mask).
            var magnitude = w.Local(ValueType.V128);
            w.Set(magnitude).Get(signSource).Get(magnitude).I32(int.MinValue).Op(Opcode.I32x4Splat).Op(Opcode.V128Bitselect);
        }
        else
        {
            w.Get(signSource).Op(Opcode.F32Copysign);
        }
    }
}
