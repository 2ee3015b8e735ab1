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
    /// bytes at the address under it. The quotient is clamped to the range less the zero point before rounding (the
    /// bounds are integers, so that equals saturating after); the values are then in range and the saturating
    /// narrows only repack them.
    /// </summary>
    /// <param name="w">The function being built.</param>
    /// <param name="pushScale">Pushes the scale (f32).</param>
    /// <param name="pushLowLessZeroPoint">Pushes the type's minimum less the zero point (f32).</param>
    /// <param name="pushHighLessZeroPoint">Pushes the type's maximum less the zero point (f32).</param>
    /// <param name="pushZeroPoint">Pushes the zero point (i32).</param>
    /// <param name="signed">int8 (else uint8).</param>
    public static void QuantizeAndStoreF32x4(FunctionBuilder w, Action pushScale, Action pushLowLessZeroPoint, Action pushHighLessZeroPoint, Action pushZeroPoint, bool signed)
    {
        pushScale();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Div);
        pushLowLessZeroPoint();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Max);
        pushHighLessZeroPoint();
        w.Op(Opcode.F32x4Splat).Op(Opcode.F32x4Min).Op(Opcode.F32x4Nearest).Op(Opcode.I32x4TruncSatF32x4S);
        pushZeroPoint();
        w.Op(Opcode.I32x4Splat).Op(Opcode.I32x4Add);
        var packed = w.Local(ValueType.V128);
        w.Set(packed).Get(packed).Get(packed).Op(Opcode.I16x8NarrowI32x4S).Set(packed).Get(packed).Get(packed)
            .Op(signed ? Opcode.I8x16NarrowI16x8S : Opcode.I8x16NarrowI16x8U);
        w.Code.EmitMemArgLane(Opcode.V128Store32Lane, 0, 0);
    }

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
