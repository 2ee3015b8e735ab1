using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// f32 arithmetic at either width, so each kernel is written once and yields its f32x4 main loop and its scalar
/// tail, plus the exponential the activations and Softmax need.
/// </summary>
internal static class FloatMath
{
    private const float Log2E = 1.44269504088896341f;
    // ln 2 in two parts: Ln2High has few significant bits so k * Ln2High is exact for |k| <= 128.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float ExpUpperLimit = 88.72283f;  // ln(float.MaxValue): above it e^x is +inf
    private const float ExpLowerLimit = -87.33655f; // ln(smallest normal): below it e^x flushes to 0

    public static ValueType Type(bool vector) => vector ? ValueType.V128 : ValueType.F32;

    public static Opcode Pick(bool vector, Opcode scalar, Opcode simd) => vector ? simd : scalar;

    /// <summary>Pushes <paramref name="value"/> at the width.</summary>
    public static FunctionEmitter Constant(this FunctionEmitter e, bool vector, float value)
    {
        e.F32(value);
        return vector ? e.Op(Opcode.F32x4Splat) : e;
    }

    public static FunctionEmitter FAdd(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Add, Opcode.F32x4Add));

    public static FunctionEmitter FSub(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Sub, Opcode.F32x4Sub));

    public static FunctionEmitter FMul(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Mul, Opcode.F32x4Mul));

    public static FunctionEmitter FDiv(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Div, Opcode.F32x4Div));

    public static FunctionEmitter FMax(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Max, Opcode.F32x4Max));

    public static FunctionEmitter FMin(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Min, Opcode.F32x4Min));

    public static FunctionEmitter FAbs(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Abs, Opcode.F32x4Abs));

    public static FunctionEmitter FNeg(this FunctionEmitter e, bool vector) => e.Op(Pick(vector, Opcode.F32Neg, Opcode.F32x4Neg));

    /// <summary>Loads one element (scalar) or four (vector) from the address on the stack.</summary>
    public static FunctionEmitter FLoad(this FunctionEmitter e, bool vector, uint offset = 0) =>
        e.Memory(Pick(vector, Opcode.F32Load, Opcode.V128Load), offset);

    /// <summary>Stores the value on the stack at the address below it.</summary>
    public static FunctionEmitter FStore(this FunctionEmitter e, bool vector, uint offset = 0) =>
        e.Memory(Pick(vector, Opcode.F32Store, Opcode.V128Store), offset);

    /// <summary>Replaces x on the stack by e^x.</summary>
    /// <remarks>
    /// x = k ln2 + r with k = round(x log2 e) (at most 127) and |r| &lt;= ln2/2, the product k ln2 taken in two parts
    /// so it is exact; e^r by its degree-7 Taylor polynomial (truncation below 6e-9 relative); 2^k assembled in the
    /// exponent field. Above ln(float.MaxValue) the result is +inf; below ln(smallest normal) it is 0; NaN stays NaN.
    /// </remarks>
    public static void Exp(FunctionEmitter e, bool v)
    {
        var x = e.Local(Type(v));
        var k = e.Local(Type(v));
        var r = e.Local(Type(v));
        e.Set(x);
        e.Get(x).Constant(v, ExpUpperLimit).FMin(v).Constant(v, ExpLowerLimit).FMax(v).Set(r);
        e.Get(r).Constant(v, Log2E).FMul(v).Op(Pick(v, Opcode.F32Nearest, Opcode.F32x4Nearest)).Constant(v, 127f).FMin(v).Set(k);
        e.Get(r).Get(k).Constant(v, Ln2High).FMul(v).FSub(v).Get(k).Constant(v, Ln2Low).FMul(v).FSub(v).Set(r);
        // Horner from the highest term: 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r(1/720 + r/5040)))))).
        e.Constant(v, 1f / 5040);
        foreach (var c in (ReadOnlySpan<float>)[1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f])
        {
            e.Get(r).FMul(v).Constant(v, c).FAdd(v);
        }
        // 2^k as float bits: (k + 127) << 23.
        e.Get(k);
        if (v)
        {
            e.Op(Opcode.I32x4TruncSatF32x4S).I32(127).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Add).I32(23).Op(Opcode.I32x4Shl);
        }
        else
        {
            e.Op(Opcode.I32TruncSatF32S).I32(127).Op(Opcode.I32Add).I32(23).Op(Opcode.I32Shl).Op(Opcode.F32ReinterpretI32);
        }
        e.FMul(v).Set(r);
        // The clamp kept k in range; put back the true limits.
        SelectWhere(e, v, () => e.Constant(v, float.PositiveInfinity), () => e.Get(r),
            () => e.Get(x).Constant(v, ExpUpperLimit).Op(Pick(v, Opcode.F32Gt, Opcode.F32x4Gt)));
        e.Set(r);
        SelectWhere(e, v, () => e.Constant(v, 0f), () => e.Get(r),
            () => e.Get(x).Constant(v, ExpLowerLimit).Op(Pick(v, Opcode.F32Lt, Opcode.F32x4Lt)));
    }

    /// <summary>Pushes <c>condition ? ifTrue : ifFalse</c> lane by lane (bitselect) or as a scalar select.</summary>
    public static void SelectWhere(FunctionEmitter e, bool vector, Action ifTrue, Action ifFalse, Action condition)
    {
        ifTrue();
        ifFalse();
        condition();
        e.Op(vector ? Opcode.V128Bitselect : Opcode.Select);
    }
}
