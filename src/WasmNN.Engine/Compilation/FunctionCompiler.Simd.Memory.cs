using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>SIMD loads and stores: whole vectors, extending, splatting, zero-filling and single-lane accesses.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileSimdMemory(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.V128Load:
                EmitEffectiveAddress(ins, 16);
                _il.Emit(OpCodes.Unaligned, (byte)1);
                _il.Emit(OpCodes.Ldobj, typeof(Vector128<byte>));
                return true;
            case Opcode.V128Store:
            {
                var value = Stash();
                EmitEffectiveAddress(ins, 16);
                Unstash(value);
                _il.Emit(OpCodes.Unaligned, (byte)1);
                _il.Emit(OpCodes.Stobj, typeof(Vector128<byte>));
                return true;
            }
            case Opcode.V128Load8x8S: EmitExtendingLoad(ins, s_i8, nameof(Sse41.ConvertToVector128Int16)); return true;
            case Opcode.V128Load8x8U: EmitExtendingLoad(ins, s_u8, nameof(Sse41.ConvertToVector128Int16)); return true;
            case Opcode.V128Load16x4S: EmitExtendingLoad(ins, s_i16, nameof(Sse41.ConvertToVector128Int32)); return true;
            case Opcode.V128Load16x4U: EmitExtendingLoad(ins, s_u16, nameof(Sse41.ConvertToVector128Int32)); return true;
            case Opcode.V128Load32x2S: EmitExtendingLoad(ins, s_i32, nameof(Sse41.ConvertToVector128Int64)); return true;
            case Opcode.V128Load32x2U: EmitExtendingLoad(ins, s_u32, nameof(Sse41.ConvertToVector128Int64)); return true;
            case Opcode.V128Load8Splat: EmitScalarLoad(ins, 1, OpCodes.Ldind_U1, nameof(Vector128.Create), s_u8); return true;
            case Opcode.V128Load16Splat: EmitScalarLoad(ins, 2, OpCodes.Ldind_U2, nameof(Vector128.Create), s_u16); return true;
            case Opcode.V128Load32Splat: EmitScalarLoad(ins, 4, OpCodes.Ldind_I4, nameof(Vector128.Create), s_i32); return true;
            case Opcode.V128Load64Splat: EmitScalarLoad(ins, 8, OpCodes.Ldind_I8, nameof(Vector128.Create), s_i64); return true;
            case Opcode.V128Load32Zero: EmitScalarLoad(ins, 4, OpCodes.Ldind_I4, nameof(Vector128.CreateScalar), s_i32); return true;
            case Opcode.V128Load64Zero: EmitScalarLoad(ins, 8, OpCodes.Ldind_I8, nameof(Vector128.CreateScalar), s_i64); return true;
            case Opcode.V128Load8Lane: EmitLoadLane(ins, s_u8, OpCodes.Ldind_U1); return true;
            case Opcode.V128Load16Lane: EmitLoadLane(ins, s_u16, OpCodes.Ldind_U2); return true;
            case Opcode.V128Load32Lane: EmitLoadLane(ins, s_i32, OpCodes.Ldind_I4); return true;
            case Opcode.V128Load64Lane: EmitLoadLane(ins, s_i64, OpCodes.Ldind_I8); return true;
            case Opcode.V128Store8Lane: EmitStoreLane(ins, s_u8, OpCodes.Stind_I1); return true;
            case Opcode.V128Store16Lane: EmitStoreLane(ins, s_u16, OpCodes.Stind_I2); return true;
            case Opcode.V128Store32Lane: EmitStoreLane(ins, s_i32, OpCodes.Stind_I4); return true;
            case Opcode.V128Store64Lane: EmitStoreLane(ins, s_i64, OpCodes.Stind_I8); return true;
            default:
                return false;
        }
    }

    /// <summary>Loads 8 bytes and widens each lane (<c>pmovsxbw</c>/<c>pmovzxbw</c>... straight from memory with SSE4.1).</summary>
    private void EmitExtendingLoad(in Instruction ins, Type narrow, string sse41Name)
    {
        EmitEffectiveAddress(ins, 8);
        if (Sse41.IsSupported)
        {
            EmitHardwareCall(typeof(Sse41), sse41Name, narrow.MakePointerType());
            return;
        }
        _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(OpCodes.Ldind_I8);
        EmitVectorCall(nameof(Vector128.CreateScalarUnsafe), null, s_i64);
        EmitVectorCall(nameof(Vector128.WidenLower), null, VectorOf(narrow));
    }

    /// <summary>Loads one scalar and makes a vector of it with <paramref name="create"/> (splat or zero-filled).</summary>
    private void EmitScalarLoad(in Instruction ins, int size, OpCode load, string create, Type element)
    {
        EmitEffectiveAddress(ins, size);
        if (size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(load);
        EmitVectorCall(create, null, element);
    }

    private void EmitLoadLane(in Instruction ins, Type element, OpCode load)
    {
        int size = System.Runtime.InteropServices.Marshal.SizeOf(element);
        var vector = Stash();
        EmitEffectiveAddress(ins, size);
        if (size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(load);
        var scalar = RentTemp(size == 8 ? s_i64 : s_i32);
        _il.Emit(OpCodes.Stloc, scalar);
        Unstash(vector);
        _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
        _il.Emit(OpCodes.Ldloc, scalar);
        ReturnTemp(scalar);
        EmitVectorCall(nameof(Vector128.WithElement), element, VectorOf(element), s_i32, element);
    }

    private void EmitStoreLane(in Instruction ins, Type element, OpCode store)
    {
        int size = System.Runtime.InteropServices.Marshal.SizeOf(element);
        var vector = Stash();
        EmitEffectiveAddress(ins, size);
        Unstash(vector);
        _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
        EmitVectorCall(nameof(Vector128.GetElement), element, VectorOf(element), s_i32);
        if (size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(store);
    }
}
