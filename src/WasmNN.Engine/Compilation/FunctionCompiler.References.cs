using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>References and tables.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileReference(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.RefNull:
                _il.Emit(OpCodes.Ldnull);
                Push(ins.RefType);
                return true;
            case Opcode.RefIsNull:
                Pop();
                _il.Emit(OpCodes.Ldnull);
                _il.Emit(OpCodes.Ceq);
                Push(ValueType.I32);
                return true;
            case Opcode.RefFunc:
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Functions)));
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Ldelem_Ref);
                Push(ValueType.FuncRef);
                return true;
            case Opcode.TableGet:
                CompileTableGet((int)ins.Index);
                return true;
            case Opcode.TableSet:
                CompileTableSet((int)ins.Index);
                return true;
            case Opcode.TableSize:
                EmitLoadTable((int)ins.Index);
                _il.Emit(OpCodes.Ldfld, Field(typeof(WasmTable), nameof(WasmTable.Elements)));
                _il.Emit(OpCodes.Ldlen);
                _il.Emit(OpCodes.Conv_I4);
                Push(ValueType.I32);
                return true;
            case Opcode.TableGrow:
                // Stack: init, delta.
                Pop(2);
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.TableGrow)));
                Push(ValueType.I32);
                return true;
            case Opcode.TableFill:
                // Stack: index, value, count.
                Pop(3);
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.TableFill)));
                EmitTrapUnless(OpCodes.Brtrue, TrapKind.TableOutOfBounds);
                return true;
            case Opcode.TableCopy:
                Pop(3);
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index2);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.TableCopy)));
                EmitTrapUnless(OpCodes.Brtrue, TrapKind.TableOutOfBounds);
                return true;
            case Opcode.TableInit:
                // Immediates: element segment, then table.
                Pop(3);
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index2);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.TableInit)));
                EmitTrapUnless(OpCodes.Brtrue, TrapKind.TableOutOfBounds);
                return true;
            case Opcode.ElemDrop:
                _il.Emit(OpCodes.Ldarg, _contextArgument);
                _il.Emit(OpCodes.Ldc_I4, (int)ins.Index);
                _il.Emit(OpCodes.Call, Method(typeof(BulkOperations), nameof(BulkOperations.ElemDrop)));
                return true;
            default:
                return false;
        }
    }

    private void EmitLoadTable(int index)
    {
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        if (index == 0)
        {
            _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Table0)));
            return;
        }
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Tables)));
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    /// <summary>Leaves the table's element array in <paramref name="elements"/>, trapping unless index &lt; length.</summary>
    private void EmitTableBoundsCheck(int table, LocalBuilder index, LocalBuilder elements)
    {
        EmitLoadTable(table);
        _il.Emit(OpCodes.Ldfld, Field(typeof(WasmTable), nameof(WasmTable.Elements)));
        _il.Emit(OpCodes.Stloc, elements);
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Ldloc, elements);
        _il.Emit(OpCodes.Ldlen);
        _il.Emit(OpCodes.Conv_I4);
        EmitTrapUnless(OpCodes.Blt_Un, TrapKind.TableOutOfBounds);
    }

    private void CompileTableGet(int table)
    {
        Pop();
        var index = RentTemp(typeof(int));
        var elements = RentTemp(typeof(object[]));
        _il.Emit(OpCodes.Stloc, index);
        EmitTableBoundsCheck(table, index, elements);
        _il.Emit(OpCodes.Ldloc, elements);
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Ldelem_Ref);
        ReturnTemp(index);
        ReturnTemp(elements);
        Push(_module.TableTypes[table]);
    }

    private void CompileTableSet(int table)
    {
        Pop(2);
        var value = RentTemp(typeof(object));
        var index = RentTemp(typeof(int));
        var elements = RentTemp(typeof(object[]));
        _il.Emit(OpCodes.Stloc, value);
        _il.Emit(OpCodes.Stloc, index);
        EmitTableBoundsCheck(table, index, elements);
        // Through the table, which keeps call_indirect's slots in step (WasmTable.Slots).
        EmitLoadTable(table);
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Ldloc, value);
        _il.Emit(OpCodes.Call, Method(typeof(WasmTable), nameof(WasmTable.Store)));
        ReturnTemp(value);
        ReturnTemp(index);
        ReturnTemp(elements);
    }
}
