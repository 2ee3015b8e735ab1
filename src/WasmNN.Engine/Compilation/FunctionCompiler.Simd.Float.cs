using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>SIMD floating-point arithmetic and comparisons.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileSimdFloat(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.F32x4Eq: EmitCompare(s_f32, nameof(Vector128.Equals)); return true;
            // Not-equal is true for NaN operands, as ~(a == b) is.
            case Opcode.F32x4Ne: EmitCompare(s_f32, nameof(Vector128.Equals), negate: true); return true;
            case Opcode.F32x4Lt: EmitCompare(s_f32, nameof(Vector128.LessThan)); return true;
            case Opcode.F32x4Gt: EmitCompare(s_f32, nameof(Vector128.GreaterThan)); return true;
            case Opcode.F32x4Le: EmitCompare(s_f32, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.F32x4Ge: EmitCompare(s_f32, nameof(Vector128.GreaterThanOrEqual)); return true;
            case Opcode.F64x2Eq: EmitCompare(s_f64, nameof(Vector128.Equals)); return true;
            case Opcode.F64x2Ne: EmitCompare(s_f64, nameof(Vector128.Equals), negate: true); return true;
            case Opcode.F64x2Lt: EmitCompare(s_f64, nameof(Vector128.LessThan)); return true;
            case Opcode.F64x2Gt: EmitCompare(s_f64, nameof(Vector128.GreaterThan)); return true;
            case Opcode.F64x2Le: EmitCompare(s_f64, nameof(Vector128.LessThanOrEqual)); return true;
            case Opcode.F64x2Ge: EmitCompare(s_f64, nameof(Vector128.GreaterThanOrEqual)); return true;

            case Opcode.F32x4Add: EmitOperator(s_f32, "op_Addition"); return true;
            case Opcode.F32x4Sub: EmitOperator(s_f32, "op_Subtraction"); return true;
            case Opcode.F32x4Mul: EmitOperator(s_f32, "op_Multiply"); return true;
            case Opcode.F32x4Div: EmitOperator(s_f32, "op_Division"); return true;
            case Opcode.F64x2Add: EmitOperator(s_f64, "op_Addition"); return true;
            case Opcode.F64x2Sub: EmitOperator(s_f64, "op_Subtraction"); return true;
            case Opcode.F64x2Mul: EmitOperator(s_f64, "op_Multiply"); return true;
            case Opcode.F64x2Div: EmitOperator(s_f64, "op_Division"); return true;
            case Opcode.F32x4Sqrt: EmitVectorCall(nameof(Vector128.Sqrt), s_f32, 1); return true;
            case Opcode.F64x2Sqrt: EmitVectorCall(nameof(Vector128.Sqrt), s_f64, 1); return true;

            // roundps/roundpd with the matching mode; Round is round-half-to-even, as wasm's nearest.
            case Opcode.F32x4Ceil: EmitVectorCall(nameof(Vector128.Ceiling), null, VectorOf(s_f32)); return true;
            case Opcode.F32x4Floor: EmitVectorCall(nameof(Vector128.Floor), null, VectorOf(s_f32)); return true;
            case Opcode.F32x4Trunc: EmitVectorCall(nameof(Vector128.Truncate), null, VectorOf(s_f32)); return true;
            case Opcode.F32x4Nearest: EmitVectorCall(nameof(Vector128.Round), null, VectorOf(s_f32)); return true;
            case Opcode.F64x2Ceil: EmitVectorCall(nameof(Vector128.Ceiling), null, VectorOf(s_f64)); return true;
            case Opcode.F64x2Floor: EmitVectorCall(nameof(Vector128.Floor), null, VectorOf(s_f64)); return true;
            case Opcode.F64x2Trunc: EmitVectorCall(nameof(Vector128.Truncate), null, VectorOf(s_f64)); return true;
            case Opcode.F64x2Nearest: EmitVectorCall(nameof(Vector128.Round), null, VectorOf(s_f64)); return true;

            // abs and neg are sign-bit operations in wasm (NaN payloads pass through unchanged).
            case Opcode.F32x4Abs: EmitVectorConstant(int.MaxValue); EmitOperator(s_u8, "op_BitwiseAnd"); return true;
            case Opcode.F32x4Neg: EmitVectorConstant(int.MinValue); EmitOperator(s_u8, "op_ExclusiveOr"); return true;
            case Opcode.F64x2Abs: EmitVectorConstant(long.MaxValue); EmitOperator(s_u8, "op_BitwiseAnd"); return true;
            case Opcode.F64x2Neg: EmitVectorConstant(long.MinValue); EmitOperator(s_u8, "op_ExclusiveOr"); return true;

            case Opcode.F32x4Min: EmitMinMax(s_f32, nameof(Vector128.Min)); return true;
            case Opcode.F32x4Max: EmitMinMax(s_f32, nameof(Vector128.Max)); return true;
            case Opcode.F64x2Min: EmitMinMax(s_f64, nameof(Vector128.Min)); return true;
            case Opcode.F64x2Max: EmitMinMax(s_f64, nameof(Vector128.Max)); return true;
            case Opcode.F32x4Pmin: EmitPseudoMinMax(s_f32, max: false); return true;
            case Opcode.F32x4Pmax: EmitPseudoMinMax(s_f32, max: true); return true;
            case Opcode.F64x2Pmin: EmitPseudoMinMax(s_f64, max: false); return true;
            case Opcode.F64x2Pmax: EmitPseudoMinMax(s_f64, max: true); return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// wasm min/max: Vector128.Min/Max (IEEE 754-2019 minimum/maximum: -0 &lt; +0, NaN in gives NaN out), with NaN
    /// lanes set to the canonical NaN explicitly: .NET 10's JIT folds Min/Max with a constant operand as if the
    /// constant had no NaN lanes and returns the other operand there (found by the differential fuzz tests).
    /// </summary>
    private void EmitMinMax(Type element, string name)
    {
        var right = Stash();
        var left = Stash();
        _il.Emit(OpCodes.Ldloc, left);
        EmitVectorCall(nameof(Vector128.IsNaN), element, 1);
        _il.Emit(OpCodes.Ldloc, right);
        EmitVectorCall(nameof(Vector128.IsNaN), element, 1);
        EmitOperator(s_u8, "op_BitwiseOr");
        if (element == s_f32) EmitVectorConstant(float.NaN);
        else EmitVectorConstant(double.NaN);
        Unstash(left);
        Unstash(right);
        EmitVectorCall(name, element, 2);
        EmitVectorCall(nameof(Vector128.ConditionalSelect), s_u8, 3);
    }

    /// <summary>
    /// pmin(a, b) = b &lt; a ? b : a and pmax(a, b) = a &lt; b ? b : a: exactly x86's minps/maxps with the operands
    /// swapped (they return their second operand when unordered or equal).
    /// </summary>
    private void EmitPseudoMinMax(Type element, bool max)
    {
        EmitSwapVectors();
        if (Sse2.IsSupported)
        {
            var isa = element == s_f32 ? typeof(Sse) : typeof(Sse2);
            EmitHardwareCall(isa, max ? nameof(Sse.Max) : nameof(Sse.Min), VectorOf(element), VectorOf(element));
            return;
        }
        EmitSimdHelper(element == s_f32
            ? max ? nameof(Runtime.SimdOperations.MaxNativeF32) : nameof(Runtime.SimdOperations.MinNativeF32)
            : max ? nameof(Runtime.SimdOperations.MaxNativeF64) : nameof(Runtime.SimdOperations.MinNativeF64));
    }
}
