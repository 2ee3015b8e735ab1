using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Relaxed SIMD. Each instruction has one fixed lowering, so a given machine always gives the same result (the
/// proposal's determinism within an environment); the choices, x86-64 with AVX-512 and FMA here:
/// <list type="bullet">
/// <item><c>relaxed_swizzle</c>: pshufb (index &gt;= 128 gives 0, else lane index &amp; 15); elsewhere as <c>swizzle</c>.</item>
/// <item><c>relaxed_trunc_*_s</c>: cvttps2dq/cvttpd2dq (NaN and out of range give 0x80000000); without SSE2, the
///   saturating <c>trunc_sat</c> result. <c>relaxed_trunc_*_u</c>: always the saturating result (x86 has no single
///   unsigned instruction before AVX-512, and AVX-512's maps NaN to 0xFFFFFFFF, which the f64x2 form may not give).</item>
/// <item><c>relaxed_madd</c>/<c>relaxed_nmadd</c>: <c>Vector128.MultiplyAddEstimate</c>, one fused vfmadd (vfnmadd)
///   where FMA exists, else a rounded multiply then add.</item>
/// <item><c>relaxed_laneselect</c>: full bitwise select, as <c>v128.bitselect</c> (one vpternlogd).</item>
/// <item><c>relaxed_min</c>/<c>relaxed_max</c>: minps/maxps (second operand when either is NaN or both are zero);
///   elsewhere the strict <c>min</c>/<c>max</c>.</item>
/// <item><c>relaxed_q15mulr_s</c>: pmulhrsw (0x8000 * 0x8000 gives 0x8000).</item>
/// <item><c>relaxed_dot_i8x16_i7x16_s</c>: pmaddubsw with the second operand unsigned, sums saturated to i16;
///   <c>..._add_s</c> then adds pairs to i32 (pmaddwd) and the accumulator, or with AVX-VNNI one vpdpbusd (second
///   operand unsigned, the four products summed in i32 without saturation: the same as the three instructions
///   whenever the second operand is within 7 bits, the case the proposal defines). Elsewhere: signed, wrapping.</item>
/// </list>
/// </summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileSimdRelaxed(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.I8x16RelaxedSwizzle:
                if (Ssse3.IsSupported) EmitHardwareCall(typeof(Ssse3), nameof(Ssse3.Shuffle), VectorOf(s_u8), VectorOf(s_u8));
                else EmitVectorCall(nameof(Vector128.Shuffle), null, VectorOf(s_u8), VectorOf(s_u8));
                return true;

            case Opcode.I32x4RelaxedTruncF32x4S:
                EmitVectorCall(Sse2.IsSupported ? nameof(Vector128.ConvertToInt32Native) : nameof(Vector128.ConvertToInt32), null, VectorOf(s_f32));
                return true;
            case Opcode.I32x4RelaxedTruncF32x4U:
                EmitVectorCall(nameof(Vector128.ConvertToUInt32), null, VectorOf(s_f32));
                return true;
            case Opcode.I32x4RelaxedTruncF64x2SZero:
                if (Sse2.IsSupported) EmitHardwareCall(typeof(Sse2), nameof(Sse2.ConvertToVector128Int32WithTruncation), VectorOf(s_f64));
                else EmitTruncSatF64x2Zero(signed: true);
                return true;
            case Opcode.I32x4RelaxedTruncF64x2UZero:
                EmitTruncSatF64x2Zero(signed: false);
                return true;

            case Opcode.F32x4RelaxedMadd: EmitVectorCall(nameof(Vector128.MultiplyAddEstimate), s_f32, 3); return true;
            case Opcode.F64x2RelaxedMadd: EmitVectorCall(nameof(Vector128.MultiplyAddEstimate), s_f64, 3); return true;
            case Opcode.F32x4RelaxedNmadd: EmitNegatedMultiplyAdd(s_f32); return true;
            case Opcode.F64x2RelaxedNmadd: EmitNegatedMultiplyAdd(s_f64); return true;

            case Opcode.I8x16RelaxedLaneselect or Opcode.I16x8RelaxedLaneselect
                or Opcode.I32x4RelaxedLaneselect or Opcode.I64x2RelaxedLaneselect:
                EmitBitSelect();
                return true;

            case Opcode.F32x4RelaxedMin: EmitNativeMinMax(s_f32, max: false); return true;
            case Opcode.F32x4RelaxedMax: EmitNativeMinMax(s_f32, max: true); return true;
            case Opcode.F64x2RelaxedMin: EmitNativeMinMax(s_f64, max: false); return true;
            case Opcode.F64x2RelaxedMax: EmitNativeMinMax(s_f64, max: true); return true;

            case Opcode.I16x8RelaxedQ15mulrS:
                if (Ssse3.IsSupported) EmitHardwareCall(typeof(Ssse3), nameof(Ssse3.MultiplyHighRoundScale), VectorOf(s_i16), VectorOf(s_i16));
                else EmitSimdHelper(nameof(Runtime.SimdOperations.Q15MulrSat));
                return true;
            case Opcode.I16x8RelaxedDotI8x16I7x16S: EmitRelaxedDot(accumulate: false); return true;
            case Opcode.I32x4RelaxedDotI8x16I7x16AddS: EmitRelaxedDot(accumulate: true); return true;
            default:
                return false;
        }
    }

    /// <summary>-(a * b) + c: vfnmadd with FMA, else the estimate on a negated a.</summary>
    private void EmitNegatedMultiplyAdd(Type element)
    {
        if (Fma.IsSupported)
        {
            EmitHardwareCall(typeof(Fma), nameof(Fma.MultiplyAddNegated), VectorOf(element), VectorOf(element), VectorOf(element));
            return;
        }
        var addend = Stash();
        var right = Stash();
        EmitOperator(element, "op_UnaryNegation");
        Unstash(right);
        Unstash(addend);
        EmitVectorCall(nameof(Vector128.MultiplyAddEstimate), element, 3);
    }

    private void EmitNativeMinMax(Type element, bool max)
    {
        if (Sse2.IsSupported)
        {
            var isa = element == s_f32 ? typeof(Sse) : typeof(Sse2);
            EmitHardwareCall(isa, max ? nameof(Sse.Max) : nameof(Sse.Min), VectorOf(element), VectorOf(element));
            return;
        }
        EmitVectorCall(max ? nameof(Vector128.Max) : nameof(Vector128.Min), element, 2);
    }

    /// <summary>
    /// i16 lanes = a[2i]*b[2i] + a[2i+1]*b[2i+1] (pmaddubsw takes b as its unsigned operand, so b goes first);
    /// with <paramref name="accumulate"/>, pairs of those are summed to i32 (pmaddwd by ones) and added to c.
    /// </summary>
    private void EmitRelaxedDot(bool accumulate)
    {
        if (!Ssse3.IsSupported)
        {
            EmitSimdHelper(accumulate ? nameof(Runtime.SimdOperations.DotI8x16I7x16AddS) : nameof(Runtime.SimdOperations.DotI8x16I7x16S));
            return;
        }
        if (accumulate && AvxVnni.IsSupported)
        {
            // a b c -> vpdpbusd(c, b, a): b is the unsigned operand, as for pmaddubsw.
            var (c, b) = (Stash(), Stash());
            var a = Stash();
            Unstash(c);
            Unstash(b);
            Unstash(a);
            EmitHardwareCall(typeof(AvxVnni), nameof(AvxVnni.MultiplyWideningAndAdd), VectorOf(s_i32), VectorOf(s_u8), VectorOf(s_i8));
            return;
        }
        var addend = accumulate ? Stash() : null;
        EmitSwapVectors();
        EmitHardwareCall(typeof(Ssse3), nameof(Ssse3.MultiplyAddAdjacent), VectorOf(s_u8), VectorOf(s_i8));
        if (addend is null) return;
        EmitVectorConstant((short)1);
        EmitHardwareCall(typeof(Sse2), nameof(Sse2.MultiplyAddAdjacent), VectorOf(s_i16), VectorOf(s_i16));
        Unstash(addend);
        EmitOperator(s_i32, "op_Addition");
    }
}
