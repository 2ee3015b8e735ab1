using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>Loads, stores and the memory instructions. Every access is bounds-checked explicitly.</summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>Which accesses share a bounds check; planned on the function's first memory access.</summary>
    private BoundsCheckPlan? _boundsChecks;

    private bool TryCompileMemory(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.I32Load: EmitLoad(ins, 4, OpCodes.Ldind_I4, ValueType.I32); return true;
            case Opcode.I64Load: EmitLoad(ins, 8, OpCodes.Ldind_I8, ValueType.I64); return true;
            case Opcode.F32Load: EmitLoad(ins, 4, OpCodes.Ldind_R4, ValueType.F32); return true;
            case Opcode.F64Load: EmitLoad(ins, 8, OpCodes.Ldind_R8, ValueType.F64); return true;
            case Opcode.I32Load8S: EmitLoad(ins, 1, OpCodes.Ldind_I1, ValueType.I32); return true;
            case Opcode.I32Load8U: EmitLoad(ins, 1, OpCodes.Ldind_U1, ValueType.I32); return true;
            case Opcode.I32Load16S: EmitLoad(ins, 2, OpCodes.Ldind_I2, ValueType.I32); return true;
            case Opcode.I32Load16U: EmitLoad(ins, 2, OpCodes.Ldind_U2, ValueType.I32); return true;
            case Opcode.I64Load8S: EmitLoad(ins, 1, OpCodes.Ldind_I1, ValueType.I64, OpCodes.Conv_I8); return true;
            case Opcode.I64Load8U: EmitLoad(ins, 1, OpCodes.Ldind_U1, ValueType.I64, OpCodes.Conv_U8); return true;
            case Opcode.I64Load16S: EmitLoad(ins, 2, OpCodes.Ldind_I2, ValueType.I64, OpCodes.Conv_I8); return true;
            case Opcode.I64Load16U: EmitLoad(ins, 2, OpCodes.Ldind_U2, ValueType.I64, OpCodes.Conv_U8); return true;
            case Opcode.I64Load32S: EmitLoad(ins, 4, OpCodes.Ldind_I4, ValueType.I64, OpCodes.Conv_I8); return true;
            case Opcode.I64Load32U: EmitLoad(ins, 4, OpCodes.Ldind_U4, ValueType.I64, OpCodes.Conv_U8); return true;
            case Opcode.I32Store: EmitStore(ins, 4, OpCodes.Stind_I4); return true;
            case Opcode.I64Store: EmitStore(ins, 8, OpCodes.Stind_I8); return true;
            case Opcode.F32Store: EmitStore(ins, 4, OpCodes.Stind_R4); return true;
            case Opcode.F64Store: EmitStore(ins, 8, OpCodes.Stind_R8); return true;
            case Opcode.I32Store8: EmitStore(ins, 1, OpCodes.Stind_I1); return true;
            case Opcode.I32Store16: EmitStore(ins, 2, OpCodes.Stind_I2); return true;
            case Opcode.I64Store8: EmitStore(ins, 1, OpCodes.Stind_I1, OpCodes.Conv_I4); return true;
            case Opcode.I64Store16: EmitStore(ins, 2, OpCodes.Stind_I2, OpCodes.Conv_I4); return true;
            case Opcode.I64Store32: EmitStore(ins, 4, OpCodes.Stind_I4, OpCodes.Conv_I4); return true;
            case Opcode.MemorySize:
                _il.Emit(OpCodes.Ldloc, _memorySize!);
                _il.Emit(OpCodes.Ldc_I4, 16);
                _il.Emit(OpCodes.Shr_Un);
                _il.Emit(OpCodes.Conv_I4);
                Push(ValueType.I32);
                return true;
            case Opcode.MemoryGrow:
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.MemoryGrow)));
                ReloadMemory(checkNotDisposed: false);
                return true;
            case Opcode.MemoryFill:
                EmitBulkMemory(nameof(BulkOperations.MemoryFill), null);
                return true;
            case Opcode.MemoryCopy:
                EmitBulkMemory(nameof(BulkOperations.MemoryCopy), null);
                return true;
            case Opcode.MemoryInit:
                EmitBulkMemory(nameof(BulkOperations.MemoryInit), (int)ins.Index);
                return true;
            case Opcode.DataDrop:
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.DataDrop)));
                return true;
            default:
                return false;
        }
    }

    private void EmitBulkMemory(string helper, int? segment)
    {
        Pop(3);
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        if (segment is int s) _il.Emit(OpCodes.Ldc_I4, s);
        _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), helper));
        EmitTrapUnless(OpCodes.Brtrue, TrapKind.MemoryOutOfBounds);
    }

    /// <summary>
    /// Turns the i32 address on the stack into a checked native pointer: traps unless
    /// address + offset + size &lt;= memory size. One check may cover a run of accesses from the same base
    /// (<see cref="BoundsCheckPlan"/>): it then checks more bytes, or none.
    /// </summary>
    /// <remarks>
    /// The check compares the zero-extended address with <c>memory size - (offset + bytes)</c>, signed (the right
    /// side may be negative; nothing wraps in 64 bits). That right side is loop-invariant, so the JIT hoists it and
    /// a check costs one compare-and-branch in the loop; the offset goes into the x86 addressing mode.
    /// </remarks>
    private void EmitEffectiveAddress(in Instruction ins, int size, bool stackTracked = false, ValueBound? address = null)
    {
        _boundsChecks ??= BoundsCheckPlan.Analyze(_body);
        long checkedBytes = _boundsProven ? 0 : _boundsChecks.CheckedBytes(ins, size);
        long offset = (long)ins.MemArg.Offset;
        // A check covers this access and any it was planned to cover from the same base: all within the memory's
        // minimum size whatever the address, none is needed.
        if (address is { } a && StaticallyInBounds(a, offset + checkedBytes)) checkedBytes = 0;
        int baseLocal = _boundsChecks.BaseLocal(ins);
        if (checkedBytes > 0 && baseLocal >= 0)
        {
            // The address is an unchanged local: the check consumes the copy on the stack and the local is read again
            // after it, so no value crosses the check's branch (the JIT would copy it) and one zero-extended register
            // serves the whole run.
            _il.Emit(OpCodes.Conv_U8);
            EmitBoundsCheck(offset + checkedBytes, stackTracked ? _stack.Count : null);
            EmitLoadLocal(baseLocal);
            _il.Emit(OpCodes.Conv_U8);
        }
        else
        {
            _il.Emit(OpCodes.Conv_U8);
            if (checkedBytes > 0)
            {
                EmitDuplicate(typeof(ulong));
                EmitBoundsCheck(offset + checkedBytes, stackTracked ? _stack.Count + 1 : null);
            }
        }
        _il.Emit(OpCodes.Conv_U);
        _il.Emit(OpCodes.Ldloc, _memoryBase!);
        _il.Emit(OpCodes.Add);
        if (offset is > 0 and <= int.MaxValue)
        {
            // int32 + native int is native int (ECMA-335 III.1.5): one instruction fewer than an int64 constant.
            _il.Emit(OpCodes.Ldc_I4, (int)offset);
            _il.Emit(OpCodes.Add);
        }
        else if (offset != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, offset);
            _il.Emit(OpCodes.Conv_U);
            _il.Emit(OpCodes.Add);
        }
    }

    private void EmitLoad(in Instruction ins, int size, OpCode load, ValueType result, OpCode? widen = null)
    {
        var address = _bounds[^1];
        Pop();
        EmitEffectiveAddress(ins, size, stackTracked: true, address);
        if (size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(load);
        if (widen is { } w) _il.Emit(w);
        Push(result);
    }

    private void EmitStore(in Instruction ins, int size, OpCode store, OpCode? narrow = null)
    {
        var address = _bounds[^2];
        var valueType = Pop();
        Pop();
        var value = RentTemp(valueType);
        _il.Emit(OpCodes.Stloc, value);
        EmitEffectiveAddress(ins, size, stackTracked: true, address);
        _il.Emit(OpCodes.Ldloc, value);
        if (narrow is { } n) _il.Emit(n);
        if (size > 1) _il.Emit(OpCodes.Unaligned, (byte)1);
        _il.Emit(store);
        ReturnTemp(value);
    }
}
