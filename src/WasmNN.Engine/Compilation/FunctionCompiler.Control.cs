using System.Reflection;
using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>Control flow: blocks, branches, calls, and the parametric drop/select.</summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileControl(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.Nop:
                return true;
            case Opcode.Unreachable:
                EmitTrap(TrapKind.Unreachable);
                Current.Unreachable = true;
                return true;
            case Opcode.Block:
            case Opcode.Loop:
                OpenFrame(ins.Opcode == Opcode.Block ? FrameKind.Block : FrameKind.Loop, ins.BlockType);
                return true;
            case Opcode.If:
            {
                Pop();
                var frame = OpenFrame(FrameKind.If, ins.BlockType);
                frame.ElseLabel = _il.DefineLabel();
                EmitBranchOnCondition(whenTrue: false, frame.ElseLabel);
                return true;
            }
            case Opcode.Else:
                CompileElse();
                return true;
            case Opcode.End:
                CompileEnd();
                return true;
            case Opcode.Br:
                EmitBranch(Frame((int)ins.Index));
                Current.Unreachable = true;
                return true;
            case Opcode.BrIf:
                Pop();
                CompileBrIf(Frame((int)ins.Index));
                return true;
            case Opcode.BrTable:
                Pop();
                CompileBrTable(ins.Targets!, ins.Index);
                return true;
            case Opcode.Return:
                EmitBranch(_frames[0]);
                Current.Unreachable = true;
                return true;
            case Opcode.Call:
                CompileCall((int)ins.Index);
                return true;
            case Opcode.CallIndirect:
                CompileCallIndirect(ins.Index, (int)ins.Index2);
                return true;
            case Opcode.Drop:
                Pop();
                _il.Emit(OpCodes.Pop);
                return true;
            case Opcode.Select:
            case Opcode.SelectTyped:
                CompileSelect();
                return true;
            default:
                return false;
        }
    }

    private ControlFrame Frame(int depth) => _frames[_frames.Count - 1 - depth];

    private ControlFrame OpenFrame(FrameKind kind, BlockType blockType)
    {
        var type = blockType.Resolve(_module.Module);
        var frame = new ControlFrame(kind, _il.DefineLabel(), type, _stack.Count - type.Parameters.Length);
        if (kind == FrameKind.Loop && _provenLoop is { } proven && proven.Offset == _offset)
        {
            _provenLoop = null;
            EmitCountedLoopInterruptSetup(proven.Budget);
            _il.MarkLabel(frame.Label);
            EmitCountedLoopInterruptCheck(proven.Budget);
        }
        else if (kind == FrameKind.Loop)
        {
            EmitLoopInterruptSetup();
            _il.MarkLabel(frame.Label);
            EmitLoopInterruptCheck();
        }
        _frames.Add(frame);
        return frame;
    }

    private void CompileElse()
    {
        var frame = Current;
        if (!frame.Unreachable)
        {
            _il.Emit(OpCodes.Br, frame.Label);
            frame.EndReachable = true;
        }
        _il.MarkLabel(frame.ElseLabel);
        frame.HasElse = true;
        frame.Unreachable = false;
        ResetStack(frame, frame.Type.Parameters);
    }

    private void CompileEnd()
    {
        var frame = Current;
        if (!frame.Unreachable) frame.EndReachable = true;
        if (frame.Kind == FrameKind.If && !frame.HasElse)
        {
            // No else: the false path carries the parameters (== results) straight to the end.
            _il.MarkLabel(frame.ElseLabel);
            frame.EndReachable = true;
        }
        _frames.RemoveAt(_frames.Count - 1);
        if (frame.Kind == FrameKind.Function)
        {
            _il.MarkLabel(frame.Label);
            ResetStack(frame, frame.Type.Results);
            if (frame.EndReachable) EmitEpilogue();
            return;
        }
        if (frame.Kind != FrameKind.Loop) _il.MarkLabel(frame.Label);
        ResetStack(frame, frame.Type.Results);
        if (!frame.EndReachable) Current.Unreachable = true;
    }

    private void ResetStack(ControlFrame frame, System.Collections.Immutable.ImmutableArray<ValueType> top)
    {
        Pop(_stack.Count - frame.Height);
        foreach (var type in top) Push(type);
    }

    /// <summary>Branches to <paramref name="target"/>, first dropping values between its height and the branch values.</summary>
    private void EmitBranch(ControlFrame target)
    {
        EmitBranchFixup(target);
        _il.Emit(OpCodes.Br, target.Label);
        if (target.Kind != FrameKind.Loop) target.EndReachable = true;
    }

    /// <summary>
    /// Wasm branches discard operands below the branch values; IL cannot, so the branch values are parked in
    /// temporaries, the extras popped and the values reloaded. Leaves the tracked stack untouched.
    /// </summary>
    private void EmitBranchFixup(ControlFrame target)
    {
        var types = target.BranchTypes;
        int extra = _stack.Count - types.Length - target.Height;
        if (extra <= 0) return;
        var parked = new LocalBuilder[types.Length];
        for (int i = types.Length - 1; i >= 0; i--)
        {
            parked[i] = RentTemp(types[i]);
            _il.Emit(OpCodes.Stloc, parked[i]);
        }
        for (int i = 0; i < extra; i++) _il.Emit(OpCodes.Pop);
        foreach (var local in parked)
        {
            _il.Emit(OpCodes.Ldloc, local);
            ReturnTemp(local);
        }
    }

    private bool NeedsFixup(ControlFrame target) => _stack.Count - target.BranchTypes.Length - target.Height > 0;

    private void CompileBrIf(ControlFrame target)
    {
        if (!NeedsFixup(target))
        {
            EmitBranchOnCondition(whenTrue: true, target.Label);
            if (target.Kind != FrameKind.Loop) target.EndReachable = true;
            return;
        }
        var skip = _il.DefineLabel();
        EmitBranchOnCondition(whenTrue: false, skip);
        EmitBranch(target);
        _il.MarkLabel(skip);
    }

    private void CompileBrTable(uint[] targets, uint defaultTarget)
    {
        var trampolines = new Dictionary<int, Label>();
        Label LabelFor(uint depth)
        {
            var frame = Frame((int)depth);
            if (!NeedsFixup(frame))
            {
                if (frame.Kind != FrameKind.Loop) frame.EndReachable = true;
                return frame.Label;
            }
            if (!trampolines.TryGetValue((int)depth, out var label)) trampolines[(int)depth] = label = _il.DefineLabel();
            return label;
        }
        var labels = new Label[targets.Length];
        for (int i = 0; i < targets.Length; i++) labels[i] = LabelFor(targets[i]);
        if (labels.Length > 0) _il.Emit(OpCodes.Switch, labels);
        else _il.Emit(OpCodes.Pop);
        EmitBranch(Frame((int)defaultTarget));
        foreach (var (depth, label) in trampolines)
        {
            _il.MarkLabel(label);
            EmitBranch(Frame(depth));
        }
        Current.Unreachable = true;
    }

    private void CompileSelect()
    {
        Pop();
        var type = Pop();
        Pop();
        var condition = RentTemp(typeof(int));
        var second = RentTemp(type);
        var first = RentTemp(type);
        _il.Emit(OpCodes.Stloc, condition);
        _il.Emit(OpCodes.Stloc, second);
        _il.Emit(OpCodes.Stloc, first);
        var pickFirst = _il.DefineLabel();
        var done = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, condition);
        _il.Emit(OpCodes.Brtrue, pickFirst);
        _il.Emit(OpCodes.Ldloc, second);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(pickFirst);
        _il.Emit(OpCodes.Ldloc, first);
        _il.MarkLabel(done);
        ReturnTemp(condition);
        ReturnTemp(second);
        ReturnTemp(first);
        Push(type);
    }

    private void CompileCall(int functionIndex)
    {
        var type = _module.FunctionTypes[functionIndex];
        if (functionIndex < _module.ImportedFunctionCount)
        {
            var function = RentTemp(typeof(WasmFunction));
            _il.Emit(OpCodes.Ldarg, _contextArgument);
            _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Functions)));
            _il.Emit(OpCodes.Ldc_I4, functionIndex);
            _il.Emit(OpCodes.Ldelem_Ref);
            _il.Emit(OpCodes.Stloc, function);
            EmitCallThrough(function, type, mayGrowMemory: true, calledImport: true);
            ReturnTemp(function);
            return;
        }
        var outs = EmitResultAddresses(type);
        EmitCallDepthArguments();
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Call, _module.Methods[functionIndex - _module.ImportedFunctionCount]);
        FinishCall(type, outs, _module.MemoryGrowth.CallMayGrow(functionIndex));
    }

    private void CompileCallIndirect(uint typeIndex, int tableIndex)
    {
        var type = _module.Module.Types[(int)typeIndex];
        Pop();
        var index = RentTemp(typeof(int));
        var slots = RentTemp(typeof(FunctionSlot[]));
        var slot = RentTemp(typeof(FunctionSlot).MakeByRefType());
        _il.Emit(OpCodes.Stloc, index);
        if (tableIndex == 0)
        {
            _il.Emit(OpCodes.Ldarg, _contextArgument);
            _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Table0Slots)));
        }
        else
        {
            EmitLoadTable(tableIndex);
            _il.Emit(OpCodes.Ldfld, Field(typeof(WasmTable), nameof(WasmTable.Slots)));
        }
        _il.Emit(OpCodes.Stloc, slots);
        // Compared as zero-extended 64-bit values: with the 32-bit "(uint)index < (uint)length" the .NET 10 JIT let a
        // negative index through to the element load (IndexOutOfRangeException instead of the trap; differential fuzzer).
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Conv_U8);
        _il.Emit(OpCodes.Ldloc, slots);
        _il.Emit(OpCodes.Ldlen);
        _il.Emit(OpCodes.Conv_U8);
        EmitTrapUnless(OpCodes.Blt_Un, TrapKind.UndefinedElement);
        _il.Emit(OpCodes.Ldloc, slots);
        _il.Emit(OpCodes.Ldloc, index);
        _il.Emit(OpCodes.Ldelema, typeof(FunctionSlot));
        _il.Emit(OpCodes.Stloc, slot);
        // One test for both null and a wrong signature (a null slot's type id is 0); the trap tells them apart.
        var typeId = Field(typeof(FunctionSlot), nameof(FunctionSlot.TypeId));
        var matches = _il.DefineLabel();
        var mismatch = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, slot);
        _il.Emit(OpCodes.Ldfld, typeId);
        _il.Emit(OpCodes.Ldc_I4, _module.Engine.GetTypeId(type));
        _il.Emit(OpCodes.Beq, matches);
        _il.Emit(OpCodes.Ldloc, slot);
        _il.Emit(OpCodes.Ldfld, typeId);
        _il.Emit(OpCodes.Brtrue, mismatch);
        EmitTrap(TrapKind.IndirectCallToNull);
        _il.MarkLabel(mismatch);
        EmitTrap(TrapKind.IndirectCallTypeMismatch);
        _il.MarkLabel(matches);
        EmitCallThrough(slot, Field(typeof(FunctionSlot), nameof(FunctionSlot.Context)),
            Field(typeof(FunctionSlot), nameof(FunctionSlot.CodePointer)), type, _module.MemoryGrowth.IndirectCallMayGrow(type));
        ReturnTemp(index);
        ReturnTemp(slots);
        ReturnTemp(slot);
    }

    /// <summary>Calls the function object in <paramref name="function"/> through its code pointer.</summary>
    private void EmitCallThrough(LocalBuilder function, FuncType type, bool mayGrowMemory, bool calledImport) =>
        EmitCallThrough(function, Field(typeof(WasmFunction), nameof(WasmFunction.Context)),
            Field(typeof(WasmFunction), nameof(WasmFunction.CodePointer)), type, mayGrowMemory, calledImport);

    /// <summary>Calls through the context and code pointer fields of <paramref name="target"/> (a function or a table slot).</summary>
    private void EmitCallThrough(LocalBuilder target, FieldInfo context, FieldInfo codePointer, FuncType type, bool mayGrowMemory, bool calledImport = false)
    {
        var outs = EmitResultAddresses(type);
        EmitCallDepthArguments();
        _il.Emit(OpCodes.Ldloc, target);
        _il.Emit(OpCodes.Ldfld, context);
        _il.Emit(OpCodes.Ldloc, target);
        _il.Emit(OpCodes.Ldfld, codePointer);
        ClrTypes.EmitCalli(_il, type);
        FinishCall(type, outs, mayGrowMemory, calledImport);
    }

    private LocalBuilder[] EmitResultAddresses(FuncType type)
    {
        var outs = new LocalBuilder[Math.Max(0, type.Results.Length - 1)];
        for (int r = 1; r < type.Results.Length; r++)
        {
            outs[r - 1] = RentTemp(type.Results[r]);
            _il.Emit(OpCodes.Ldloca, outs[r - 1]);
        }
        return outs;
    }

    private void FinishCall(FuncType type, LocalBuilder[] outs, bool mayGrowMemory, bool calledImport = false)
    {
        Pop(type.Parameters.Length);
        foreach (var local in outs)
        {
            _il.Emit(OpCodes.Ldloc, local);
            ReturnTemp(local);
        }
        foreach (var r in type.Results) Push(r);
        // The callee may have grown (and so moved) the memory; most cannot (MemoryGrowthAnalysis).
        if (mayGrowMemory) ReloadMemory(checkNotDisposed: calledImport);
    }
}
