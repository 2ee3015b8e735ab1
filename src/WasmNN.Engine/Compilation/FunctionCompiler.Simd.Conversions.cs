using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>SIMD lane-width changes: extend, narrow, int/float conversions, promote and demote.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileSimdConversion(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.I16x8ExtendLowI8x16S: EmitWiden(s_i8, high: false); return true;
            case Opcode.I16x8ExtendHighI8x16S: EmitWiden(s_i8, high: true); return true;
            case Opcode.I16x8ExtendLowI8x16U: EmitWiden(s_u8, high: false); return true;
            case Opcode.I16x8ExtendHighI8x16U: EmitWiden(s_u8, high: true); return true;
            case Opcode.I32x4ExtendLowI16x8S: EmitWiden(s_i16, high: false); return true;
            case Opcode.I32x4ExtendHighI16x8S: EmitWiden(s_i16, high: true); return true;
            case Opcode.I32x4ExtendLowI16x8U: EmitWiden(s_u16, high: false); return true;
            case Opcode.I32x4ExtendHighI16x8U: EmitWiden(s_u16, high: true); return true;
            case Opcode.I64x2ExtendLowI32x4S: EmitWiden(s_i32, high: false); return true;
            case Opcode.I64x2ExtendHighI32x4S: EmitWiden(s_i32, high: true); return true;
            case Opcode.I64x2ExtendLowI32x4U: EmitWiden(s_u32, high: false); return true;
            case Opcode.I64x2ExtendHighI32x4U: EmitWiden(s_u32, high: true); return true;

            // Narrowing saturates: packsswb/packuswb/packssdw/packusdw take signed inputs, as wasm does.
            case Opcode.I8x16NarrowI16x8S: EmitX86OrHelper(typeof(Sse2), nameof(Sse2.PackSignedSaturate), s_i16, nameof(Runtime.SimdOperations.NarrowI16x8S)); return true;
            case Opcode.I8x16NarrowI16x8U: EmitX86OrHelper(typeof(Sse2), nameof(Sse2.PackUnsignedSaturate), s_i16, nameof(Runtime.SimdOperations.NarrowI16x8U)); return true;
            case Opcode.I16x8NarrowI32x4S: EmitX86OrHelper(typeof(Sse2), nameof(Sse2.PackSignedSaturate), s_i32, nameof(Runtime.SimdOperations.NarrowI32x4S)); return true;
            case Opcode.I16x8NarrowI32x4U: EmitX86OrHelper(typeof(Sse41), nameof(Sse41.PackUnsignedSaturate), s_i32, nameof(Runtime.SimdOperations.NarrowI32x4U)); return true;

            case Opcode.F32x4ConvertI32x4S: EmitVectorCall(nameof(Vector128.ConvertToSingle), null, VectorOf(s_i32)); return true;
            case Opcode.F32x4ConvertI32x4U: EmitVectorCall(nameof(Vector128.ConvertToSingle), null, VectorOf(s_u32)); return true;
            // Since .NET 9 these conversions saturate and map NaN to 0: wasm's trunc_sat.
            case Opcode.I32x4TruncSatF32x4S: EmitVectorCall(nameof(Vector128.ConvertToInt32), null, VectorOf(s_f32)); return true;
            case Opcode.I32x4TruncSatF32x4U: EmitVectorCall(nameof(Vector128.ConvertToUInt32), null, VectorOf(s_f32)); return true;
            case Opcode.I32x4TruncSatF64x2SZero: EmitTruncSatF64x2Zero(signed: true); return true;
            case Opcode.I32x4TruncSatF64x2UZero: EmitTruncSatF64x2Zero(signed: false); return true;

            case Opcode.F64x2ConvertLowI32x4S:
                if (Sse2.IsSupported)
                {
                    EmitHardwareCall(typeof(Sse2), nameof(Sse2.ConvertToVector128Double), VectorOf(s_i32)); // cvtdq2pd
                    return true;
                }
                EmitVectorCall(nameof(Vector128.WidenLower), null, VectorOf(s_i32));
                EmitVectorCall(nameof(Vector128.ConvertToDouble), null, VectorOf(s_i64));
                return true;
            case Opcode.F64x2ConvertLowI32x4U:
                // Every u32 is exact in an f64, so widening to u64 first changes nothing.
                EmitVectorCall(nameof(Vector128.WidenLower), null, VectorOf(s_u32));
                EmitVectorCall(nameof(Vector128.ConvertToDouble), null, VectorOf(s_u64));
                return true;
            case Opcode.F32x4DemoteF64x2Zero:
                EmitCall(Simd.Property(s_f64, nameof(Vector128<double>.Zero)));
                EmitVectorCall(nameof(Vector128.Narrow), null, VectorOf(s_f64), VectorOf(s_f64));
                return true;
            case Opcode.F64x2PromoteLowF32x4: EmitVectorCall(nameof(Vector128.WidenLower), null, VectorOf(s_f32)); return true;
            default:
                return false;
        }
    }

    private void EmitWiden(Type narrow, bool high) =>
        EmitVectorCall(high ? nameof(Vector128.WidenUpper) : nameof(Vector128.WidenLower), null, VectorOf(narrow));

    /// <summary>
    /// Clamps to the i32 (u32) range, converts to i64 (u64) lanes (saturating, NaN to 0) and narrows into the low
    /// half, the high half zero.
    /// </summary>
    private void EmitTruncSatF64x2Zero(bool signed)
    {
        EmitVectorConstant(signed ? (double)int.MinValue : 0.0);
        EmitVectorCall(nameof(Vector128.Max), s_f64, 2);
        EmitVectorConstant(signed ? (double)int.MaxValue : uint.MaxValue);
        EmitVectorCall(nameof(Vector128.Min), s_f64, 2);
        var wide = signed ? s_i64 : s_u64;
        EmitVectorCall(signed ? nameof(Vector128.ConvertToInt64) : nameof(Vector128.ConvertToUInt64), null, VectorOf(s_f64));
        EmitCall(Simd.Property(wide, nameof(Vector128<long>.Zero)));
        EmitVectorCall(nameof(Vector128.Narrow), null, VectorOf(wide), VectorOf(wide));
    }
}
