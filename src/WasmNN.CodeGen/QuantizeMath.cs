using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen;

/// <summary>
/// QuantizeLinear and DequantizeLinear of four 8-bit values per v128 step, as ONNX and onnxruntime compute them, for
/// both code generators (the compiler's kernels with the scale and zero point compiled in, the kernel library's read
/// from parameters): each value is pushed by the caller.
/// </summary>
public static class QuantizeMath
{
    /// <summary>
    /// Replaces the f32x4 on the stack by <c>saturate(round_half_even(x / scale) + zeroPoint)</c> and stores the four
    /// bytes at the address under it (<see cref="QuantizeF32x4"/>, then the saturating narrows only repack them).
    /// </summary>
    /// <param name="w">The function being built.</param>
    /// <param name="pushScale">Pushes the scale (f32).</param>
    /// <param name="pushLowLessZeroPoint">Pushes the type's minimum less the zero point (f32).</param>
    /// <param name="pushHighLessZeroPoint">Pushes the type's maximum less the zero point (f32).</param>
    /// <param name="pushZeroPoint">Pushes the zero point (i32).</param>
    /// <param name="signed">int8 (else uint8).</param>
    public static void QuantizeAndStoreF32x4(FunctionBuilder w, Action pushScale, Action pushLowLessZeroPoint, Action pushHighLessZeroPoint, Action pushZeroPoint, bool signed)
    {
        var temporary = w.Local(ValueType.V128);
        QuantizeF32x4(w, temporary, pushScale, pushLowLessZeroPoint, pushHighLessZeroPoint, pushZeroPoint);
        w.Set(temporary).Get(temporary).Get(temporary).Op(Opcode.I16x8NarrowI32x4S).Set(temporary).Get(temporary).Get(temporary)
            .Op(signed ? Opcode.I8x16NarrowI16x8S : Opcode.I8x16NarrowI16x8U);
        w.Code.EmitMemArgLane(Opcode.V128Store32Lane, 0, 0);
    }

    /// <summary>
    /// Replaces the f32x4 on the stack by the i32x4 <c>round_half_even(clamp(x / scale, low - zeroPoint, high -
    /// zeroPoint)) + zeroPoint</c>, a NaN quotient giving the zero point: what <c>f32x4.max</c>, <c>f32x4.min</c>,
    /// <c>f32x4.nearest</c>, <c>i32x4.trunc_sat_f32x4_s</c> and adding the zero point give, in instructions that
    /// are one each on x64 (wasm's NaN-propagating min/max and the saturating conversion take about seven each in
    /// V8). The clamp is <c>pmax</c>/<c>pmin</c> with the quotient first, so a NaN passes through; comparing the
    /// quotient with itself zeroes NaN lanes; the clamped value (within +-255) plus 1.5 * 2^23 lands where floats
    /// are the integers, so the add rounds half to even and its bits less those of 1.5 * 2^23 (the zero point
    /// subtracted from them) are the result. <paramref name="temporary"/> is a v128 local the caller may reuse.
    /// </summary>
    public static void QuantizeF32x4(FunctionBuilder w, uint temporary, Action pushScale, Action pushLowLessZeroPoint, Action pushHighLessZeroPoint, Action pushZeroPoint)
    {
        pushScale();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Div);
        pushLowLessZeroPoint();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Pmax);
        pushHighLessZeroPoint();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Pmin);
        w.Set(temporary).Get(temporary).Get(temporary).Get(temporary).Op(Opcode.F32x4Eq).Op(Opcode.V128And);
        w.F32(RoundingMagic).Op(Opcode.F32x4Splat).Op(Opcode.F32x4Add);
        w.I32(BitConverter.SingleToInt32Bits(RoundingMagic));
        pushZeroPoint();
        w.Op(Opcode.I32Sub).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Sub);
    }

    /// <summary>1.5 * 2^23: a float in [-2^22, 2^22] plus this rounds to an integer, half to even, in the low bits.</summary>
    private const float RoundingMagic = 12582912f;

    /// <summary>
    /// Replaces the v128 on the stack, four 8-bit values in its low lanes, by the f32x4 <c>(x - zeroPoint) * scale</c>.
    /// </summary>
    /// <param name="w">The function being built.</param>
    /// <param name="pushScale">Pushes the scale (f32).</param>
    /// <param name="pushZeroPoint">Pushes the zero point (i32).</param>
    /// <param name="signed">int8 (else uint8).</param>
    public static void DequantizeI8x4(FunctionBuilder w, Action pushScale, Action pushZeroPoint, bool signed)
    {
        w.Op(signed ? Opcode.I16x8ExtendLowI8x16S : Opcode.I16x8ExtendLowI8x16U).Op(Opcode.I32x4ExtendLowI16x8S);
        pushZeroPoint();
        w.Op(Opcode.I32x4Splat).Op(Opcode.I32x4Sub).Op(Opcode.F32x4ConvertI32x4S);
        pushScale();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Mul);
    }
}
