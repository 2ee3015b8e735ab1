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
    public static void Exp(KernelWriter w, int n)
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

    /// <summary>Replaces the magnitude on the stack by itself with the sign of local <paramref name="signSource"/>.</summary>
    public static void CopySign(KernelWriter w, int n, uint signSource)
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
