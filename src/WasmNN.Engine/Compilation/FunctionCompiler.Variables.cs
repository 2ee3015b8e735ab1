using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>Locals and globals.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileVariable(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.LocalGet:
                EmitLoadLocal((int)ins.Index);
                Push(_localTypes[(int)ins.Index]);
                return true;
            case Opcode.LocalSet:
                Pop();
                EmitStoreLocal((int)ins.Index);
                return true;
            case Opcode.LocalTee:
                // Store, then load back rather than dup + store: the JIT imports a dup of any non-trivial value
                // into a fresh temporary of its own, and clang tees nearly every value, so a large function got
                // thousands of them, past the 1,024 locals the JIT tracks: the untracked rest (hot loop values
                // included) lived in stack slots, stored and reloaded at every use.
                EmitStoreLocal((int)ins.Index);
                EmitLoadLocal((int)ins.Index);
                return true;
            case Opcode.GlobalGet:
                EmitGlobalGet((int)ins.Index);
                return true;
            case Opcode.GlobalSet:
                EmitGlobalSet((int)ins.Index);
                return true;
            default:
                return false;
        }
    }

    private void EmitLoadLocal(int index)
    {
        if (index < _argumentLocals) _il.Emit(OpCodes.Ldarg, index);
        else _il.Emit(OpCodes.Ldloc, _locals[index - _argumentLocals]);
    }

    private void EmitStoreLocal(int index)
    {
        if (index < _argumentLocals) _il.Emit(OpCodes.Starg, index);
        else _il.Emit(OpCodes.Stloc, _locals[index - _argumentLocals]);
    }

    private void EmitLoadGlobalObject(int index)
    {
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Globals)));
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    private void EmitGlobalGet(int index)
    {
        var type = _module.GlobalTypes[index].ValueType;
        EmitLoadGlobalObject(index);
        switch (type)
        {
            case ValueType.V128:
                _il.Emit(OpCodes.Ldfld, Field(typeof(WasmGlobal), nameof(WasmGlobal.Vector)));
                break;
            case ValueType.FuncRef or ValueType.ExternRef:
                _il.Emit(OpCodes.Ldfld, Field(typeof(WasmGlobal), nameof(WasmGlobal.Reference)));
                break;
            default:
                // Numbers share one 8-byte slot; 32-bit types use its low half (little-endian).
                _il.Emit(OpCodes.Ldflda, Field(typeof(WasmGlobal), nameof(WasmGlobal.Bits)));
                _il.Emit(type switch
                {
                    ValueType.I32 => OpCodes.Ldind_I4,
                    ValueType.I64 => OpCodes.Ldind_I8,
                    ValueType.F32 => OpCodes.Ldind_R4,
                    _ => OpCodes.Ldind_R8,
                });
                break;
        }
        Push(type);
    }

    private void EmitGlobalSet(int index)
    {
        var type = Pop();
        var value = RentTemp(type);
        _il.Emit(OpCodes.Stloc, value);
        EmitLoadGlobalObject(index);
        switch (type)
        {
            case ValueType.V128:
                _il.Emit(OpCodes.Ldloc, value);
                _il.Emit(OpCodes.Stfld, Field(typeof(WasmGlobal), nameof(WasmGlobal.Vector)));
                break;
            case ValueType.FuncRef or ValueType.ExternRef:
                _il.Emit(OpCodes.Ldloc, value);
                _il.Emit(OpCodes.Stfld, Field(typeof(WasmGlobal), nameof(WasmGlobal.Reference)));
                break;
            default:
                _il.Emit(OpCodes.Ldflda, Field(typeof(WasmGlobal), nameof(WasmGlobal.Bits)));
                _il.Emit(OpCodes.Ldloc, value);
                _il.Emit(type switch
                {
                    ValueType.I32 => OpCodes.Stind_I4,
                    ValueType.I64 => OpCodes.Stind_I8,
                    ValueType.F32 => OpCodes.Stind_R4,
                    _ => OpCodes.Stind_R8,
                });
                break;
        }
        ReturnTemp(value);
    }
}
