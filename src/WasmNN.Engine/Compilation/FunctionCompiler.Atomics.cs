using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// The threads proposal's 0xFE instructions. Each access checks its own bounds and alignment (atomics stay out of the
/// bounds-check plan, so plain loads and stores compile exactly as without threads), then calls an inlined
/// <see cref="AtomicOperations"/> helper that does the access with <see cref="Interlocked"/> or <see cref="Volatile"/>.
/// </summary>
internal sealed partial class FunctionCompiler
{
    // The proposal numbers the accesses in groups of seven widths (i32, i64, i32 8/16-bit, i64 8/16/32-bit) from 0x10:
    // loads, stores, then add, sub, and, or, xor, xchg, cmpxchg.
    private const uint FirstAtomicLoad = 0x10, FirstAtomicStore = 0x17, FirstAtomicRmw = 0x1E, FirstAtomicCmpxchg = 0x48;

    private bool TryCompileAtomic(in Instruction ins)
    {
        var info = OpcodeTable.Get(ins.Opcode);
        if (info.Prefix != 0xFE) return false;
        if (ins.Opcode == Opcode.AtomicFence)
        {
            _il.Emit(OpCodes.Call, Method(typeof(Interlocked), nameof(Interlocked.MemoryBarrier)));
            return true;
        }
        int size = info.NaturalAlignment;
        var width = size switch { 1 => typeof(byte), 2 => typeof(ushort), 4 => typeof(uint), _ => typeof(ulong) };
        // Operands above the address go to temporaries so the address can be checked first.
        var operands = new LocalBuilder[info.Parameters!.Length - 1];
        for (int i = operands.Length - 1; i >= 0; i--)
        {
            operands[i] = RentTemp(Pop());
            _il.Emit(OpCodes.Stloc, operands[i]);
        }
        Pop();
        if (ins.Opcode is Opcode.MemoryAtomicWait32 or Opcode.MemoryAtomicWait64) EmitSharedMemoryCheck();
        EmitAtomicAddress(ins, size);
        uint code = info.Code;
        switch (ins.Opcode)
        {
            case Opcode.MemoryAtomicNotify:
                EmitAtomicHelper(nameof(AtomicOperations.Notify), operands);
                break;
            case Opcode.MemoryAtomicWait32:
                EmitAtomicHelper(nameof(AtomicOperations.Wait32), operands);
                break;
            case Opcode.MemoryAtomicWait64:
                EmitAtomicHelper(nameof(AtomicOperations.Wait64), operands);
                break;
            default:
                EmitAtomicAccess(code, width, operands);
                break;
        }
        foreach (var temp in operands) ReturnTemp(temp);
        foreach (var result in info.Results!) Push(result);
        return true;
    }

    /// <summary>Traps (at this instruction) unless the memory is shared: only a shared memory can be waited on.</summary>
    private void EmitSharedMemoryCheck()
    {
        // The address goes aside: the trap branch must leave the IL stack empty.
        var address = RentTemp(ValueType.I32);
        _il.Emit(OpCodes.Stloc, address);
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Memory)));
        _il.Emit(OpCodes.Call, Method(typeof(WasmMemory), "get_" + nameof(WasmMemory.IsShared)));
        EmitTrapUnless(OpCodes.Brtrue, TrapKind.WaitOnUnsharedMemory);
        _il.Emit(OpCodes.Ldloc, address);
        ReturnTemp(address);
    }

    private void EmitAtomicHelper(string helper, LocalBuilder[] operands)
    {
        foreach (var operand in operands) _il.Emit(OpCodes.Ldloc, operand);
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Call, Method(typeof(AtomicOperations), helper));
    }

    private void EmitAtomicAccess(uint code, Type width, LocalBuilder[] operands)
    {
        bool wide = operands.Length > 0 ? operands[0].LocalType == typeof(long) : (code - FirstAtomicLoad) % 7 is 1 or >= 4;
        if (code < FirstAtomicStore)
        {
            EmitCallAtomic(nameof(AtomicOperations.Load), width);
        }
        else if (code < FirstAtomicRmw)
        {
            EmitNarrowed(operands[0], width);
            EmitCallAtomic(nameof(AtomicOperations.Store), width);
            return;
        }
        else if (code < FirstAtomicCmpxchg)
        {
            EmitNarrowed(operands[0], width);
            _il.Emit(OpCodes.Ldc_I4, (int)((code - FirstAtomicRmw) / 7));
            EmitCallAtomic(nameof(AtomicOperations.ReadModifyWrite), width);
        }
        else
        {
            // The expected value is wrapped to the access width, like the replacement.
            EmitNarrowed(operands[1], width);
            EmitNarrowed(operands[0], width);
            EmitCallAtomic(nameof(AtomicOperations.CompareExchange), width);
        }
        // Zero-extend the old value to the result type.
        if (width == typeof(byte)) _il.Emit(OpCodes.Conv_U1);
        else if (width == typeof(ushort)) _il.Emit(OpCodes.Conv_U2);
        if (wide && width != typeof(ulong)) _il.Emit(OpCodes.Conv_U8);
    }

    private void EmitNarrowed(LocalBuilder operand, Type width)
    {
        _il.Emit(OpCodes.Ldloc, operand);
        if (width == typeof(byte)) _il.Emit(OpCodes.Conv_U1);
        else if (width == typeof(ushort)) _il.Emit(OpCodes.Conv_U2);
        else if (width == typeof(uint) && operand.LocalType == typeof(long)) _il.Emit(OpCodes.Conv_U4);
    }

    private void EmitCallAtomic(string helper, Type width) =>
        _il.Emit(OpCodes.Call, Method(typeof(AtomicOperations), helper).MakeGenericMethod(width));

    /// <summary>
    /// Turns the i32 address on the stack into a native pointer after the atomic's own checks: out of bounds traps
    /// as for any access, then an effective address that is not a multiple of the access size traps "unaligned atomic".
    /// </summary>
    private void EmitAtomicAddress(in Instruction ins, int size)
    {
        var address = RentTemp(ValueType.I64);
        _il.Emit(OpCodes.Conv_U8);
        if (ins.MemArg.Offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, (long)ins.MemArg.Offset);
            _il.Emit(OpCodes.Add);
        }
        _il.Emit(OpCodes.Stloc, address);
        _il.Emit(OpCodes.Ldloc, address);
        _il.Emit(OpCodes.Ldc_I8, (long)size);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _memorySize!);
        EmitTrapUnless(OpCodes.Ble, TrapKind.MemoryOutOfBounds);
        if (size > 1)
        {
            _il.Emit(OpCodes.Ldloc, address);
            _il.Emit(OpCodes.Conv_I4);
            _il.Emit(OpCodes.Ldc_I4, size - 1);
            _il.Emit(OpCodes.And);
            EmitTrapUnless(OpCodes.Brfalse, TrapKind.UnalignedAtomic);
        }
        _il.Emit(OpCodes.Ldloc, _memoryBase!);
        _il.Emit(OpCodes.Ldloc, address);
        _il.Emit(OpCodes.Conv_U);
        _il.Emit(OpCodes.Add);
        ReturnTemp(address);
    }
}
