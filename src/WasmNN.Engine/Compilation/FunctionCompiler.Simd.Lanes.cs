using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>SIMD constants, splats, lane access, shuffles, swizzles, bit masks and the any/all-true reductions.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileSimdLanes(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.V128Const: EmitVectorConstant(ins.V128); return true;

            case Opcode.I8x16Splat: EmitVectorCall(nameof(Vector128.Create), null, s_u8); return true;
            case Opcode.I16x8Splat: EmitVectorCall(nameof(Vector128.Create), null, s_u16); return true;
            case Opcode.I32x4Splat: EmitVectorCall(nameof(Vector128.Create), null, s_i32); return true;
            case Opcode.I64x2Splat: EmitVectorCall(nameof(Vector128.Create), null, s_i64); return true;
            case Opcode.F32x4Splat: EmitVectorCall(nameof(Vector128.Create), null, s_f32); return true;
            case Opcode.F64x2Splat: EmitVectorCall(nameof(Vector128.Create), null, s_f64); return true;

            case Opcode.I8x16ExtractLaneS: EmitExtractLane(ins, s_i8); return true;
            case Opcode.I8x16ExtractLaneU: EmitExtractLane(ins, s_u8); return true;
            case Opcode.I16x8ExtractLaneS: EmitExtractLane(ins, s_i16); return true;
            case Opcode.I16x8ExtractLaneU: EmitExtractLane(ins, s_u16); return true;
            case Opcode.I32x4ExtractLane: EmitExtractLane(ins, s_i32); return true;
            case Opcode.I64x2ExtractLane: EmitExtractLane(ins, s_i64); return true;
            case Opcode.F32x4ExtractLane: EmitExtractLane(ins, s_f32); return true;
            case Opcode.F64x2ExtractLane: EmitExtractLane(ins, s_f64); return true;

            case Opcode.I8x16ReplaceLane: EmitReplaceLane(ins, s_u8, s_i32); return true;
            case Opcode.I16x8ReplaceLane: EmitReplaceLane(ins, s_u16, s_i32); return true;
            case Opcode.I32x4ReplaceLane: EmitReplaceLane(ins, s_i32, s_i32); return true;
            case Opcode.I64x2ReplaceLane: EmitReplaceLane(ins, s_i64, s_i64); return true;
            case Opcode.F32x4ReplaceLane: EmitReplaceLane(ins, s_f32, s_f32); return true;
            case Opcode.F64x2ReplaceLane: EmitReplaceLane(ins, s_f64, s_f64); return true;

            case Opcode.I8x16Shuffle: EmitShuffle(ins.V128); return true;
            // Vector128.Shuffle gives 0 for indices >= 16: exactly i8x16.swizzle.
            case Opcode.I8x16Swizzle: EmitVectorCall(nameof(Vector128.Shuffle), null, VectorOf(s_u8), VectorOf(s_u8)); return true;

            case Opcode.I8x16Bitmask: EmitVectorCall(nameof(Vector128.ExtractMostSignificantBits), s_u8, 1); return true;
            case Opcode.I16x8Bitmask: EmitVectorCall(nameof(Vector128.ExtractMostSignificantBits), s_u16, 1); return true;
            case Opcode.I32x4Bitmask: EmitVectorCall(nameof(Vector128.ExtractMostSignificantBits), s_u32, 1); return true;
            case Opcode.I64x2Bitmask: EmitVectorCall(nameof(Vector128.ExtractMostSignificantBits), s_u64, 1); return true;

            case Opcode.V128AnyTrue:
                EmitCall(Simd.Property(s_u8, nameof(Vector128<byte>.Zero)));
                EmitOperator(s_u8, "op_Inequality");
                return true;
            case Opcode.I8x16AllTrue: EmitAllTrue(s_u8); return true;
            case Opcode.I16x8AllTrue: EmitAllTrue(s_u16); return true;
            case Opcode.I32x4AllTrue: EmitAllTrue(s_u32); return true;
            case Opcode.I64x2AllTrue: EmitAllTrue(s_u64); return true;
            default:
                return false;
        }
    }

    private void EmitExtractLane(in Instruction ins, Type element)
    {
        _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
        EmitVectorCall(nameof(Vector128.GetElement), element, VectorOf(element), s_i32);
    }

    private void EmitReplaceLane(in Instruction ins, Type element, Type scalarType)
    {
        var scalar = RentTemp(scalarType);
        _il.Emit(OpCodes.Stloc, scalar);
        _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
        _il.Emit(OpCodes.Ldloc, scalar);
        ReturnTemp(scalar);
        EmitVectorCall(nameof(Vector128.WithElement), element, VectorOf(element), s_i32, element);
    }

    /// <summary>All lanes non-zero: no lane equals zero.</summary>
    private void EmitAllTrue(Type element)
    {
        EmitCall(Simd.Property(element, nameof(Vector128<byte>.Zero)));
        EmitVectorCall(nameof(Vector128.EqualsAny), element, 2);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ceq);
    }

    /// <summary>
    /// <c>i8x16.shuffle a b</c> with constant lane indices 0..31. One source: a shuffle on the widest lane type the
    /// pattern allows (pshufd for whole 32-bit lanes...). Two sources: one <c>vpermt2b</c> with AVX-512 VBMI, else a
    /// shuffle of each source with the other's lanes zeroed, or-ed together.
    /// </summary>
    private void EmitShuffle(Vector128<byte> lanes)
    {
        var indices = new byte[16];
        lanes.CopyTo(indices);
        bool allFirst = indices.All(i => i < 16);
        bool allSecond = indices.All(i => i >= 16);
        if (allFirst || allSecond)
        {
            if (allFirst)
            {
                _il.Emit(OpCodes.Pop);
            }
            else
            {
                var second = Stash();
                _il.Emit(OpCodes.Pop);
                Unstash(second);
            }
            EmitSingleSourceShuffle(indices.Select(i => (byte)(i & 15)).ToArray());
            return;
        }
        if (Avx512Vbmi.VL.IsSupported)
        {
            var second = Stash();
            EmitVectorConstant(lanes);
            Unstash(second);
            EmitHardwareCall(typeof(Avx512Vbmi.VL), nameof(Avx512Vbmi.VL.PermuteVar16x8x2), VectorOf(s_u8), VectorOf(s_u8), VectorOf(s_u8));
            return;
        }
        var b = Stash();
        EmitSingleSourceShuffle(indices.Select(i => i < 16 ? i : (byte)0xFF).ToArray());
        Unstash(b);
        EmitSingleSourceShuffle(indices.Select(i => i >= 16 ? (byte)(i - 16) : (byte)0xFF).ToArray());
        EmitOperator(s_u8, "op_BitwiseOr");
    }

    /// <summary>
    /// Shuffles the vector on the stack by constant byte indices (0xFF = zero lane), on the widest lane type whose
    /// lanes the pattern moves whole, so the JIT can pick pshufd/shufpd over pshufb.
    /// </summary>
    private void EmitSingleSourceShuffle(byte[] indices)
    {
        foreach (var (element, width) in new[] { (s_u64, 8), (s_u32, 4), (s_u16, 2) })
        {
            if (WidenShuffle(indices, width) is not { } wide) continue;
            EmitVectorConstant(wide);
            EmitVectorCall(nameof(Vector128.Shuffle), null, VectorOf(element), VectorOf(element));
            return;
        }
        EmitVectorConstant(Vector128.Create(indices));
        EmitVectorCall(nameof(Vector128.Shuffle), null, VectorOf(s_u8), VectorOf(s_u8));
    }

    /// <summary>The byte pattern as a pattern of <paramref name="width"/>-byte lanes, or null if it splits a lane.</summary>
    private static Vector128<byte>? WidenShuffle(byte[] indices, int width)
    {
        var wide = new byte[16];
        for (int lane = 0; lane < 16 / width; lane++)
        {
            byte first = indices[lane * width];
            bool zero = first == 0xFF;
            if (!zero && first % width != 0) return null;
            for (int j = 1; j < width; j++)
            {
                byte expected = zero ? (byte)0xFF : (byte)(first + j);
                if (indices[lane * width + j] != expected) return null;
            }
            // Little-endian lane index; out-of-range (all bits set) selects zero.
            for (int j = 0; j < width; j++) wide[lane * width + j] = zero ? (byte)0xFF : j == 0 ? (byte)(first / width) : (byte)0;
        }
        return Vector128.Create(wide);
    }
}
