using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>SIMD bitwise operations, integer comparisons and integer arithmetic.</summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>An <c>i32x4.dot_i16x8_s</c> was deferred to the <c>i32x4.add</c> after it (one AVX-VNNI instruction).</summary>
    private bool _dotBeforeAdd;

    private bool TryCompileSimdInteger(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.V128Not: EmitOperator(s_u8, "op_OnesComplement"); return true;
            case Opcode.V128And: EmitOperator(s_u8, "op_BitwiseAnd"); return true;
            case Opcode.V128Or: EmitOperator(s_u8, "op_BitwiseOr"); return true;
            case Opcode.V128Xor: EmitOperator(s_u8, "op_ExclusiveOr"); return true;
            case Opcode.V128Andnot: EmitVectorCall(nameof(Vector128.AndNot), s_u8, 2); return true; // a & ~b
            case Opcode.V128Bitselect: EmitBitSelect(); return true;

            case Opcode.I8x16Eq: EmitCompare(s_i8, nameof(Vector128.Equals)); return true;
            case Opcode.I8x16Ne: EmitCompare(s_i8, nameof(Vector128.Equals), negate: true); return true;
            case Opcode.I8x16LtS: EmitCompare(s_i8, nameof(Vector128.LessThan)); return true;
            case Opcode.I8x16LtU: EmitCompare(s_u8, nameof(Vector128.LessThan)); return true;
            case Opcode.I8x16GtS: EmitCompare(s_i8, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I8x16GtU: EmitCompare(s_u8, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I8x16LeS: EmitCompare(s_i8, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I8x16LeU: EmitCompare(s_u8, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I8x16GeS: EmitCompare(s_i8, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.I8x16GeU: EmitCompare(s_u8, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.I16x8Eq: EmitCompare(s_i16, nameof(Vector128.Equals)); return true;
            case Opcode.I16x8Ne: EmitCompare(s_i16, nameof(Vector128.Equals), negate: true); return true;
            case Opcode.I16x8LtS: EmitCompare(s_i16, nameof(Vector128.LessThan)); return true;
            case Opcode.I16x8LtU: EmitCompare(s_u16, nameof(Vector128.LessThan)); return true;
            case Opcode.I16x8GtS: EmitCompare(s_i16, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I16x8GtU: EmitCompare(s_u16, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I16x8LeS: EmitCompare(s_i16, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I16x8LeU: EmitCompare(s_u16, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I16x8GeS: EmitCompare(s_i16, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.I16x8GeU: EmitCompare(s_u16, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.I32x4Eq: EmitCompare(s_i32, nameof(Vector128.Equals)); return true;
            case Opcode.I32x4Ne: EmitCompare(s_i32, nameof(Vector128.Equals), negate: true); return true;
            case Opcode.I32x4LtS: EmitCompare(s_i32, nameof(Vector128.LessThan)); return true;
            case Opcode.I32x4LtU: EmitCompare(s_u32, nameof(Vector128.LessThan)); return true;
            case Opcode.I32x4GtS: EmitCompare(s_i32, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I32x4GtU: EmitCompare(s_u32, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I32x4LeS: EmitCompare(s_i32, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I32x4LeU: EmitCompare(s_u32, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I32x4GeS: EmitCompare(s_i32, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.I32x4GeU: EmitCompare(s_u32, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.I64x2Eq: EmitCompare(s_i64, nameof(Vector128.Equals)); return true;
            case Opcode.I64x2Ne: EmitCompare(s_i64, nameof(Vector128.Equals), negate: true); return true;
            case Opcode.I64x2LtS: EmitCompare(s_i64, nameof(Vector128.LessThan)); return true;
            case Opcode.I64x2GtS: EmitCompare(s_i64, nameof(Vector128.GreaterThan)); return true;
            case Opcode.I64x2LeS: EmitCompare(s_i64, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.I64x2GeS: EmitCompare(s_i64, nameof(Vector128.GreaterThanOrEqual)); return true;

            case Opcode.I8x16Add: EmitOperator(s_u8, "op_Addition"); return true;
            case Opcode.I16x8Add: EmitOperator(s_u16, "op_Addition"); return true;
            case Opcode.I32x4Add when _dotBeforeAdd:
                // The dot just before left its operands for this add: one vpdpwssd (see I32x4DotI16x8S).
                _dotBeforeAdd = false;
                EmitHardwareCall(typeof(AvxVnni), nameof(AvxVnni.MultiplyWideningAndAdd), VectorOf(s_i32), VectorOf(s_i16), VectorOf(s_i16));
                return true;
            case Opcode.I32x4Add: EmitOperator(s_u32, "op_Addition"); return true;
            case Opcode.I64x2Add: EmitOperator(s_u64, "op_Addition"); return true;
            case Opcode.I8x16Sub: EmitOperator(s_u8, "op_Subtraction"); return true;
            case Opcode.I16x8Sub: EmitOperator(s_u16, "op_Subtraction"); return true;
            case Opcode.I32x4Sub: EmitOperator(s_u32, "op_Subtraction"); return true;
            case Opcode.I64x2Sub: EmitOperator(s_u64, "op_Subtraction"); return true;
            case Opcode.I16x8Mul: EmitOperator(s_u16, "op_Multiply"); return true;
            case Opcode.I32x4Mul: EmitOperator(s_u32, "op_Multiply"); return true;
            case Opcode.I64x2Mul: EmitOperator(s_u64, "op_Multiply"); return true;
            case Opcode.I8x16Neg: EmitOperator(s_i8, "op_UnaryNegation"); return true;
            case Opcode.I16x8Neg: EmitOperator(s_i16, "op_UnaryNegation"); return true;
            case Opcode.I32x4Neg: EmitOperator(s_i32, "op_UnaryNegation"); return true;
            case Opcode.I64x2Neg: EmitOperator(s_i64, "op_UnaryNegation"); return true;
            case Opcode.I8x16Abs: EmitVectorCall(nameof(Vector128.Abs), s_i8, 1); return true;
            case Opcode.I16x8Abs: EmitVectorCall(nameof(Vector128.Abs), s_i16, 1); return true;
            case Opcode.I32x4Abs: EmitVectorCall(nameof(Vector128.Abs), s_i32, 1); return true;
            case Opcode.I64x2Abs: EmitVectorCall(nameof(Vector128.Abs), s_i64, 1); return true;

            case Opcode.I8x16MinS: EmitVectorCall(nameof(Vector128.Min), s_i8, 2); return true;
            case Opcode.I8x16MinU: EmitVectorCall(nameof(Vector128.Min), s_u8, 2); return true;
            case Opcode.I8x16MaxS: EmitVectorCall(nameof(Vector128.Max), s_i8, 2); return true;
            case Opcode.I8x16MaxU: EmitVectorCall(nameof(Vector128.Max), s_u8, 2); return true;
            case Opcode.I16x8MinS: EmitVectorCall(nameof(Vector128.Min), s_i16, 2); return true;
            case Opcode.I16x8MinU: EmitVectorCall(nameof(Vector128.Min), s_u16, 2); return true;
            case Opcode.I16x8MaxS: EmitVectorCall(nameof(Vector128.Max), s_i16, 2); return true;
            case Opcode.I16x8MaxU: EmitVectorCall(nameof(Vector128.Max), s_u16, 2); return true;
            case Opcode.I32x4MinS: EmitVectorCall(nameof(Vector128.Min), s_i32, 2); return true;
            case Opcode.I32x4MinU: EmitVectorCall(nameof(Vector128.Min), s_u32, 2); return true;
            case Opcode.I32x4MaxS: EmitVectorCall(nameof(Vector128.Max), s_i32, 2); return true;
            case Opcode.I32x4MaxU: EmitVectorCall(nameof(Vector128.Max), s_u32, 2); return true;

            case Opcode.I8x16AddSatS: EmitVectorCall(nameof(Vector128.AddSaturate), s_i8, 2); return true;
            case Opcode.I8x16AddSatU: EmitVectorCall(nameof(Vector128.AddSaturate), s_u8, 2); return true;
            case Opcode.I8x16SubSatS: EmitVectorCall(nameof(Vector128.SubtractSaturate), s_i8, 2); return true;
            case Opcode.I8x16SubSatU: EmitVectorCall(nameof(Vector128.SubtractSaturate), s_u8, 2); return true;
            case Opcode.I16x8AddSatS: EmitVectorCall(nameof(Vector128.AddSaturate), s_i16, 2); return true;
            case Opcode.I16x8AddSatU: EmitVectorCall(nameof(Vector128.AddSaturate), s_u16, 2); return true;
            case Opcode.I16x8SubSatS: EmitVectorCall(nameof(Vector128.SubtractSaturate), s_i16, 2); return true;
            case Opcode.I16x8SubSatU: EmitVectorCall(nameof(Vector128.SubtractSaturate), s_u16, 2); return true;
            case Opcode.I8x16AvgrU: EmitX86OrHelper(typeof(Sse2), nameof(Sse2.Average), s_u8, nameof(Runtime.SimdOperations.AverageRoundedU8)); return true;
            case Opcode.I16x8AvgrU: EmitX86OrHelper(typeof(Sse2), nameof(Sse2.Average), s_u16, nameof(Runtime.SimdOperations.AverageRoundedU16)); return true;

            case Opcode.I8x16Shl: EmitShift(s_u8, "op_LeftShift", 8); return true;
            case Opcode.I8x16ShrS: EmitShift(s_i8, "op_RightShift", 8); return true;
            case Opcode.I8x16ShrU: EmitShift(s_u8, "op_UnsignedRightShift", 8); return true;
            case Opcode.I16x8Shl: EmitShift(s_u16, "op_LeftShift", 16); return true;
            case Opcode.I16x8ShrS: EmitShift(s_i16, "op_RightShift", 16); return true;
            case Opcode.I16x8ShrU: EmitShift(s_u16, "op_UnsignedRightShift", 16); return true;
            case Opcode.I32x4Shl: EmitShift(s_u32, "op_LeftShift", 32); return true;
            case Opcode.I32x4ShrS: EmitShift(s_i32, "op_RightShift", 32); return true;
            case Opcode.I32x4ShrU: EmitShift(s_u32, "op_UnsignedRightShift", 32); return true;
            case Opcode.I64x2Shl: EmitShift(s_u64, "op_LeftShift", 64); return true;
            case Opcode.I64x2ShrS: EmitShift(s_i64, "op_RightShift", 64); return true;
            case Opcode.I64x2ShrU: EmitShift(s_u64, "op_UnsignedRightShift", 64); return true;

            case Opcode.I8x16Popcnt: EmitPopcount(); return true;
            case Opcode.I16x8Q15mulrSatS: EmitQ15MulrSat(); return true;
            case Opcode.I32x4DotI16x8S when _nextOpcode == Opcode.I32x4Add && AvxVnni.IsSupported:
                // `a b c i32x4.dot_i16x8_s i32x4.add` is a + dot(b, c): AVX-VNNI's vpdpwssd in one instruction instead
                // of pmaddwd + paddd (the integer GEMM's inner loop). Both wrap modulo 2^32 (the one overflowing pair,
                // -32768 * -32768 twice, gives 2^31 either way), so the bits are the same. Nothing is emitted here:
                // b and c stay on the IL stack above a for the add, the next instruction.
                _dotBeforeAdd = true;
                return true;
            case Opcode.I32x4DotI16x8S: EmitX86OrHelper(typeof(Sse2), nameof(Sse2.MultiplyAddAdjacent), s_i16, nameof(Runtime.SimdOperations.DotI16x8)); return true;

            case Opcode.I16x8ExtmulLowI8x16S: EmitExtendingMultiply(s_i8, s_i16, high: false); return true;
            case Opcode.I16x8ExtmulHighI8x16S: EmitExtendingMultiply(s_i8, s_i16, high: true); return true;
            case Opcode.I16x8ExtmulLowI8x16U: EmitExtendingMultiply(s_u8, s_u16, high: false); return true;
            case Opcode.I16x8ExtmulHighI8x16U: EmitExtendingMultiply(s_u8, s_u16, high: true); return true;
            case Opcode.I32x4ExtmulLowI16x8S: EmitExtendingMultiply(s_i16, s_i32, high: false); return true;
            case Opcode.I32x4ExtmulHighI16x8S: EmitExtendingMultiply(s_i16, s_i32, high: true); return true;
            case Opcode.I32x4ExtmulLowI16x8U: EmitExtendingMultiply(s_u16, s_u32, high: false); return true;
            case Opcode.I32x4ExtmulHighI16x8U: EmitExtendingMultiply(s_u16, s_u32, high: true); return true;
            case Opcode.I64x2ExtmulLowI32x4S: EmitExtendingMultiply(s_i32, s_i64, high: false); return true;
            case Opcode.I64x2ExtmulHighI32x4S: EmitExtendingMultiply(s_i32, s_i64, high: true); return true;
            case Opcode.I64x2ExtmulLowI32x4U: EmitExtendingMultiply(s_u32, s_u64, high: false); return true;
            case Opcode.I64x2ExtmulHighI32x4U: EmitExtendingMultiply(s_u32, s_u64, high: true); return true;

            case Opcode.I16x8ExtaddPairwiseI8x16S: EmitExtendingPairwiseAdd(signed: true, bytes: true); return true;
            case Opcode.I16x8ExtaddPairwiseI8x16U: EmitExtendingPairwiseAdd(signed: false, bytes: true); return true;
            case Opcode.I32x4ExtaddPairwiseI16x8S: EmitExtendingPairwiseAdd(signed: true, bytes: false); return true;
            case Opcode.I32x4ExtaddPairwiseI16x8U: EmitExtendingPairwiseAdd(signed: false, bytes: false); return true;
            default:
                return false;
        }
    }

    private void EmitCompare(Type element, string name, bool negate = false)
    {
        EmitVectorCall(name, element, 2);
        if (negate) EmitOperator(s_u8, "op_OnesComplement");
    }

    /// <summary>Wasm takes the shift count modulo the lane width.</summary>
    private void EmitShift(Type element, string name, int laneBits)
    {
        _il.Emit(OpCodes.Ldc_I4, laneBits - 1);
        _il.Emit(OpCodes.And);
        EmitOperator(element, name);
    }

    /// <summary>
    /// A binary x86 instruction with exactly the wasm semantics (<paramref name="name"/> over two vectors of
    /// <paramref name="element"/>), or the scalar helper where the CPU lacks it.
    /// </summary>
    private void EmitX86OrHelper(Type isa, string name, Type element, string helper)
    {
        if (IsSupported(isa)) EmitHardwareCall(isa, name, VectorOf(element), VectorOf(element));
        else EmitSimdHelper(helper);
    }

    private static bool IsSupported(Type isa) => (bool)isa.GetProperty("IsSupported")!.GetValue(null)!;

    /// <summary>Per-nibble table lookup: popcnt(b) = table[b &amp; 15] + table[b &gt;&gt; 4].</summary>
    private void EmitPopcount()
    {
        var nibbleCounts = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var value = Stash();
        EmitVectorConstant(nibbleCounts);
        _il.Emit(OpCodes.Ldloc, value);
        EmitVectorConstant((byte)0x0F);
        EmitOperator(s_u8, "op_BitwiseAnd");
        EmitVectorCall(nameof(Vector128.Shuffle), null, VectorOf(s_u8), VectorOf(s_u8));
        EmitVectorConstant(nibbleCounts);
        Unstash(value);
        _il.Emit(OpCodes.Ldc_I4_4);
        EmitOperator(s_u16, "op_UnsignedRightShift");
        EmitVectorConstant((byte)0x0F);
        EmitOperator(s_u8, "op_BitwiseAnd");
        EmitVectorCall(nameof(Vector128.Shuffle), null, VectorOf(s_u8), VectorOf(s_u8));
        EmitOperator(s_u8, "op_Addition");
    }

    /// <summary>pmulhrsw is exact except 0x8000 * 0x8000, which gives 0x8000 where wasm saturates to 0x7FFF.</summary>
    private void EmitQ15MulrSat()
    {
        if (!Ssse3.IsSupported)
        {
            EmitSimdHelper(nameof(Runtime.SimdOperations.Q15MulrSat));
            return;
        }
        EmitHardwareCall(typeof(Ssse3), nameof(Ssse3.MultiplyHighRoundScale), VectorOf(s_i16), VectorOf(s_i16));
        EmitDuplicate(VectorOf(s_i16));
        EmitVectorConstant(short.MinValue);
        EmitVectorCall(nameof(Vector128.Equals), s_i16, 2);
        EmitOperator(s_u8, "op_ExclusiveOr");
    }

    /// <summary>Widens the low or high halves of both operands, then multiplies in the wide lane type.</summary>
    private void EmitExtendingMultiply(Type narrow, Type wide, bool high)
    {
        string widen = high ? nameof(Vector128.WidenUpper) : nameof(Vector128.WidenLower);
        var right = Stash();
        EmitVectorCall(widen, null, VectorOf(narrow));
        Unstash(right);
        EmitVectorCall(widen, null, VectorOf(narrow));
        EmitOperator(wide, "op_Multiply");
    }

    /// <summary>
    /// Pairwise sums via the multiply-add instructions with a vector of ones: pmaddubsw (bytes; its unsigned operand
    /// is the ones for the signed form) and pmaddwd (16-bit; the unsigned form biases by 0x8000 and adds 2 * 0x8000 back).
    /// </summary>
    private void EmitExtendingPairwiseAdd(bool signed, bool bytes)
    {
        if (bytes ? !Ssse3.IsSupported : !Sse2.IsSupported)
        {
            EmitSimdHelper(bytes
                ? signed ? nameof(Runtime.SimdOperations.ExtaddPairwiseI8x16S) : nameof(Runtime.SimdOperations.ExtaddPairwiseI8x16U)
                : signed ? nameof(Runtime.SimdOperations.ExtaddPairwiseI16x8S) : nameof(Runtime.SimdOperations.ExtaddPairwiseI16x8U));
            return;
        }
        if (bytes)
        {
            if (signed)
            {
                var value = Stash();
                EmitVectorConstant((byte)1);
                Unstash(value);
            }
            else
            {
                EmitVectorConstant((byte)1);
            }
            EmitHardwareCall(typeof(Ssse3), nameof(Ssse3.MultiplyAddAdjacent), VectorOf(s_u8), VectorOf(s_i8));
            return;
        }
        if (!signed)
        {
            EmitVectorConstant(unchecked((short)0x8000));
            EmitOperator(s_u8, "op_ExclusiveOr");
        }
        EmitVectorConstant((short)1);
        EmitHardwareCall(typeof(Sse2), nameof(Sse2.MultiplyAddAdjacent), VectorOf(s_i16), VectorOf(s_i16));
        if (!signed)
        {
            EmitVectorConstant(0x10000);
            EmitOperator(s_i32, "op_Addition");
        }
    }
}
