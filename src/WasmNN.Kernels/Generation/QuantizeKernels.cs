using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// QuantizeLinear (FP32 to INT8) and DequantizeLinear (INT8 to FP32) with one scale and zero point, as ONNX and
/// onnxruntime compute them: <c>q = saturate(round_half_even(x / scale) + zero_point)</c>, the quotient clamped to
/// the range less the zero point before rounding (the bounds are integers, so that is the same as saturating after),
/// and <c>x = (q - zero_point) * scale</c>. Four elements per v128 step (<see cref="QuantizeMath"/>, shared with the
/// compiler's kernels), then a scalar tail.
/// </summary>
internal static class QuantizeKernels
{
    /// <summary>Parameters: x (f32), y (i8), count, scale as its float bits, zero point.</summary>
    public static void EmitQuantize(FunctionBuilder e)
    {
        var (scale, low, high) = (e.Local(ValueType.F32), e.Local(ValueType.F32), e.Local(ValueType.F32));
        e.Get(3).Op(Opcode.F32ReinterpretI32).Set(scale);
        e.I32(sbyte.MinValue).Get(4).Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S).Set(low);
        e.I32(sbyte.MaxValue).Get(4).Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S).Set(high);
        EmitLoops(e, sourceBytes: 4, targetBytes: 1, vector: () =>
        {
            e.Memory(Opcode.V128Load);
            QuantizeMath.QuantizeAndStoreF32x4(e, () => e.Get(scale), () => e.Get(low), () => e.Get(high), () => e.Get(4), signed: true);
        }, scalar: () =>
        {
            e.Memory(Opcode.F32Load).Get(scale).Op(Opcode.F32Div).Get(low).Op(Opcode.F32Max).Get(high).Op(Opcode.F32Min)
                .Op(Opcode.F32Nearest).Op(Opcode.I32TruncSatF32S).Get(4).Op(Opcode.I32Add).Memory(Opcode.I32Store8);
        });
        e.Finish();
    }

    /// <summary>Parameters: x (i8), y (f32), count, scale as its float bits, zero point.</summary>
    public static void EmitDequantize(FunctionBuilder e)
    {
        var scale = e.Local(ValueType.F32);
        e.Get(3).Op(Opcode.F32ReinterpretI32).Set(scale);
        EmitLoops(e, sourceBytes: 1, targetBytes: 4, vector: () =>
        {
            e.Memory(Opcode.V128Load32Zero);
            QuantizeMath.DequantizeI8x4(e, () => e.Get(scale), () => e.Get(4), signed: true);
            e.Memory(Opcode.V128Store);
        }, scalar: () =>
        {
            e.Memory(Opcode.I32Load8S).Get(4).Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S).Get(scale).Op(Opcode.F32Mul).Memory(Opcode.F32Store);
        });
        e.Finish();
    }

    /// <summary>
    /// Four elements per step, then one at a time, from x (parameter 0) to y (parameter 1), count (parameter 2) in
    /// all. Each body finds y's address and x's below it on the stack, and stores.
    /// </summary>
    private static void EmitLoops(FunctionBuilder e, int sourceBytes, int targetBytes, Action vector, Action scalar)
    {
        var (i, source, target) = (e.Local(), e.Local(), e.Local());
        e.Get(0).Set(source).Get(1).Set(target).I32(0).Set(i);
        e.While(i, () => e.Get(2).I32(3).Op(Opcode.I32Sub), 4, () =>
        {
            e.Get(target).Get(source);
            vector();
            e.Increment(source, 4 * sourceBytes).Increment(target, 4 * targetBytes);
        });
        e.While(i, () => e.Get(2), 1, () =>
        {
            e.Get(target).Get(source);
            scalar();
            e.Increment(source, sourceBytes).Increment(target, targetBytes);
        });
    }
}
