using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Kernels.Generation;

/// <summary>The exponential the activations and Softmax need, at either lane width.</summary>
internal static class FloatMath
{
    private const float Log2E = 1.44269504088896341f;
    // ln 2 in two parts: Ln2High has few significant bits so k * Ln2High is exact for |k| <= 128.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float ExpUpperLimit = 88.72283f;  // ln(float.MaxValue): above it e^x is +inf
    private const float ExpLowerLimit = -87.33655f; // ln(smallest normal): below it e^x flushes to 0

    /// <summary>Replaces x on the stack by e^x.</summary>
    /// <remarks>
    /// x = k ln2 + r with k = round(x log2 e) (at most 127) and |r| &lt;= ln2/2, the product k ln2 taken in two parts
    /// so it is exact; e^r by its degree-7 Taylor polynomial (truncation below 6e-9 relative); 2^k assembled in the
    /// exponent field. Above ln(float.MaxValue) the result is +inf; below ln(smallest normal) it is 0; NaN stays NaN.
    /// </remarks>
    public static void Exp(FunctionBuilder e, int v)
    {
        var x = e.VectorLocal(v);
        var k = e.VectorLocal(v);
        var r = e.VectorLocal(v);
        e.Set(x);
        e.Get(x).Constant(v, ExpUpperLimit).Min(v).Constant(v, ExpLowerLimit).Max(v).Set(r);
        e.Get(r).Constant(v, Log2E).Mul(v).Op(v, Opcode.F32Nearest, Opcode.F32x4Nearest).Constant(v, 127f).Min(v).Set(k);
        e.Get(r).Get(k).Constant(v, Ln2High).Mul(v).Sub(v).Get(k).Constant(v, Ln2Low).Mul(v).Sub(v).Set(r);
        // Horner from the highest term: 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r(1/720 + r/5040)))))).
        e.Constant(v, 1f / 5040);
        foreach (var c in (ReadOnlySpan<float>)[1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f])
        {
            e.Get(r).Mul(v).Constant(v, c).Add(v);
        }
        // 2^k as float bits: (k + 127) << 23.
        e.Get(k);
        if (v == FunctionBuilder.VectorWidth)
        {
            e.Op(Opcode.I32x4TruncSatF32x4S).I32(127).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Add).I32(23).Op(Opcode.I32x4Shl);
        }
        else
        {
            e.Op(Opcode.I32TruncSatF32S).I32(127).Op(Opcode.I32Add).I32(23).Op(Opcode.I32Shl).Op(Opcode.F32ReinterpretI32);
        }
        e.Mul(v).Set(r);
        // The clamp kept k in range; put back the true limits.
        SelectWhere(e, v, () => e.Constant(v, float.PositiveInfinity), () => e.Get(r),
            () => e.Get(x).Constant(v, ExpUpperLimit).Op(v, Opcode.F32Gt, Opcode.F32x4Gt));
        e.Set(r);
        SelectWhere(e, v, () => e.Constant(v, 0f), () => e.Get(r),
            () => e.Get(x).Constant(v, ExpLowerLimit).Op(v, Opcode.F32Lt, Opcode.F32x4Lt));
    }

    /// <summary>Pushes <c>condition ? ifTrue : ifFalse</c> lane by lane (bitselect) or as a scalar select.</summary>
    public static void SelectWhere(FunctionBuilder e, int width, Action ifTrue, Action ifFalse, Action condition)
    {
        ifTrue();
        ifFalse();
        condition();
        e.Op(width, Opcode.Select, Opcode.V128Bitselect);
    }
}
