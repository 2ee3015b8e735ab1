using System.Reflection;
using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Translates one function body to IL in a single pass, keeping a value stack that mirrors the IL evaluation stack
/// and a control stack of labels (after wasmtime's code_translator). Values stay on the IL stack, wasm locals are
/// IL locals, block results flow through branches on the IL stack, and every trap site jumps with <c>leave</c> to
/// one shared cold throw block per function. Instructions are lowered by concern in the partial files.
/// </summary>
internal sealed partial class FunctionCompiler
{
    private readonly ModuleCompilation _module;
    private readonly int _functionIndex;
    private readonly FuncType _type;
    private readonly FunctionBody _body;
    private readonly ILGenerator _il;
    private readonly bool _lean;
    private readonly int _versioningIlBudget;
    private readonly FunctionShape _shape;
    private readonly Dictionary<int, MultiplyRotate> _multiplyRotates;
    private (int After, int Through) _fusedAway = (-1, -1);
    private readonly int _contextArgument;
    private readonly int _depthArgument;
    private readonly int _stackLimitArgument;
    private readonly List<ValueType> _stack = [];
    private readonly List<ControlFrame> _frames = [];
    private readonly List<LocalBuilder> _locals = [];
    private readonly List<ValueType> _localTypes = [];
    private readonly Dictionary<Type, Stack<LocalBuilder>> _temps = [];
    private LocalBuilder? _memoryBase;
    private LocalBuilder? _memorySize;
    private LocalBuilder? _trapSite;
    private Label _throwLabel;
    private Label _callStackExhausted;
    private Label _probeStack;
    private Label _stackProbed;
    private LocalBuilder? _stackMarker;
    private int _deadDepth;
    private int _offset;
    private Opcode? _nextOpcode;

    private FunctionCompiler(ModuleCompilation module, int functionIndex, MethodBuilder method, FunctionTier tier, OutlinedLoop? region = null)
    {
        _lean = tier == FunctionTier.Lean;
        _versioningIlBudget = VersioningIlBudget(tier);
        _region = region;
        _module = module;
        _functionIndex = functionIndex;
        _type = module.FunctionTypes[functionIndex];
        _body = module.Module.Codes[functionIndex - module.ImportedFunctionCount];
        _shape = FunctionShape.Of(_body);
        _multiplyRotates = MultiplyRotate.Find(_body);
        _il = method.GetILGenerator(Math.Max(64, _body.Code.Length * 4));
        _contextArgument = region is null ? ClrTypes.ContextArgument(_type) : RegionContextArgument(region);
        _depthArgument = ClrTypes.DepthArgument(_type);
        _stackLimitArgument = ClrTypes.StackLimitArgument(_type);
        _argumentLocals = region is null ? _type.Parameters.Length : 0;
        _outlinedLoops = region is null && _lean ? LoopOutlining.Find(_body, anySize: module.Engine.Options.LeanAndOutlineEverywhere) : [];
    }

    /// <summary>
    /// Emits the IL of function <paramref name="functionIndex"/> into <paramref name="method"/> at
    /// <paramref name="tier"/> (<see cref="FunctionTier"/>: how much IL it may spend on loop copies).
    /// </summary>
    public static void Compile(ModuleCompilation module, int functionIndex, MethodBuilder method, FunctionTier tier) =>
        new FunctionCompiler(module, functionIndex, method, tier).Compile();

    private void Compile()
    {
        if (_region is not null)
        {
            CompileRegion(_region);
            return;
        }
        _throwLabel = _il.DefineLabel();
        DeclareLocals();
        EmitPrologue();
        _frames.Add(new ControlFrame(FrameKind.Function, _il.DefineLabel(), new FuncType([], _type.Results), 0));
        var reader = new InstructionReader(_body.Code.Span, _body.CodeOffset);
        // Decoding one instruction ahead lets a few lowerings look at their successor (see _nextOpcode).
        Instruction? next = reader.Read();
        while (_frames.Count > 0 && next is Instruction ins)
        {
            next = reader.AtEnd ? null : reader.Read();
            _nextOpcode = next?.Opcode;
            _offset = ins.Offset;
            if (Current.Unreachable && !SkipDeadInstruction(ins)) continue;
            if (ins.Opcode == Opcode.Loop && (TryCompileOutlinedLoop(ins) ?? TryCompileVersionedLoop(ins)) is int loopEnd)
            {
                // Both copies are compiled: continue after the loop's end.
                while (next is Instruction skipped && skipped.Offset < loopEnd) next = reader.AtEnd ? null : reader.Read();
                continue;
            }
            CompileInstruction(ins);
        }
        EmitPrologueColdPaths();
        EmitThrowBlocks();
    }

    /// <summary>After the body: the out-of-line bounds-check exits and the shared throw block.</summary>
    private void EmitThrowBlocks()
    {
        EmitOutOfLineOutOfBoundsExits();
        if (_trapSite is not null)
        {
            _il.MarkLabel(_throwLabel);
            _il.Emit(OpCodes.Ldloc, _trapSite);
            _il.Emit(OpCodes.Ldc_I4, _functionIndex);
            _il.Emit(OpCodes.Ldarg, _contextArgument);
            _il.Emit(OpCodes.Call, Method(typeof(InstanceContext), nameof(InstanceContext.Trap)));
            _il.Emit(OpCodes.Throw);
        }
    }

    private void CompileInstruction(in Instruction ins)
    {
        if (ins.Offset > _fusedAway.After && ins.Offset <= _fusedAway.Through)
        {
            // Compiled with the multiply that starts the fused rotate (no stack effect of their own together).
        }
        else if (_multiplyRotates.TryGetValue(ins.Offset, out var rotate))
        {
            CompileMultiplyRotate(rotate);
            _fusedAway = (ins.Offset, rotate.LastOffset);
        }
        else
        {
            var bound = ResultBound(ins);
            NoteInstructionForWidenedLocals(ins);
            CompileInstructionLowering(ins);
            if (bound is { } b) SetTopBound(b);
        }
        (_beforePrevious, _previous) = (_previous, (ins.Opcode, ins.Index));
    }

    private void CompileInstructionLowering(in Instruction ins)
    {
        if (!(TryCompileControl(ins) || TryCompileVariable(ins) || TryCompileMemory(ins) || TryCompileNumeric(ins)
              || TryCompileReference(ins) || TryCompileSimd(ins) || TryCompileAtomic(ins)))
        {
            throw new NotSupportedException($"instruction {OpcodeTable.Get(ins.Opcode).Mnemonic} at byte offset 0x{ins.Offset:x} is not supported by the engine");
        }
    }

    /// <summary>
    /// In dead code (after br, return, unreachable) nothing is emitted until the frame's else or end; nested
    /// blocks are counted so the right end is found. Returns true when the instruction must still be compiled.
    /// </summary>
    private bool SkipDeadInstruction(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.Block or Opcode.Loop or Opcode.If:
                _deadDepth++;
                return false;
            case Opcode.Else:
                return _deadDepth == 0;
            case Opcode.End:
                if (_deadDepth == 0) return true;
                _deadDepth--;
                return false;
            default:
                return false;
        }
    }

    private void DeclareLocals()
    {
        foreach (var p in _type.Parameters)
        {
            _localTypes.Add(p);
            // An outlined loop's method holds the function's parameters in locals too (its arguments are copied in).
            if (_region is not null) _locals.Add(_il.DeclareLocal(ClrTypes.Of(p)));
        }
        foreach (var group in _body.Locals)
        {
            for (uint i = 0; i < group.Count; i++)
            {
                _localTypes.Add(group.Type);
                _locals.Add(_il.DeclareLocal(ClrTypes.Of(group.Type)));
            }
        }
        if (_module.HasMemory)
        {
            _memoryBase = _il.DeclareLocal(typeof(byte*));
            _memorySize = _il.DeclareLocal(typeof(long));
        }
    }

    private void EmitPrologue()
    {
        // Count this call in (the depth arrives in a register: the caller's depth) and check the stack; both
        // failures are handled out of line, after the body (EmitPrologueColdPaths).
        if (!CountsCallDepth)
        {
            // A leaf with an ordinary frame (FunctionShape): no count, no stack check, and no entry interrupt check:
            // its loops check at their headers, and without them it ends by itself.
            ReloadMemory(checkNotDisposed: true, valuesBelow: 0);
            return;
        }
        _callStackExhausted = _il.DefineLabel();
        _probeStack = _il.DefineLabel();
        _stackProbed = _il.DefineLabel();
        _stackMarker = _il.DeclareLocal(typeof(byte));
        _il.Emit(OpCodes.Ldarg, _depthArgument);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Starg, _depthArgument);
        _il.Emit(OpCodes.Ldarg, _depthArgument);
        _il.Emit(OpCodes.Ldc_I4, _module.Engine.Options.MaxCallDepth);
        _il.Emit(OpCodes.Bgt, _callStackExhausted);
        if (HasLargeFrame)
        {
            _il.Emit(OpCodes.Br, _probeStack);
        }
        else
        {
            EmitStackPointer();
            _il.Emit(OpCodes.Ldarg, _stackLimitArgument);
            _il.Emit(OpCodes.Blt_Un, _probeStack);
        }
        _il.MarkLabel(_stackProbed);
        EmitEntryInterruptCheck();
        ReloadMemory(checkNotDisposed: true, valuesBelow: 0);
    }

    /// <summary>
    /// Functions whose frame may be large (many locals, long bodies: the JIT's spill slots) probe the stack on
    /// every entry: the window below a probe (<see cref="StackGuard.Window"/>) is sized for ordinary frames.
    /// </summary>
    private bool HasLargeFrame => _locals.Count > 256 || _body.Code.Length > 8192;

    /// <summary>False for a leaf with an ordinary frame: it neither counts the call depth nor checks the stack.</summary>
    private bool CountsCallDepth => !_shape.IsLeaf || HasLargeFrame;

    /// <summary>This frame's stack address: the address of a local.</summary>
    private void EmitStackPointer()
    {
        _il.Emit(OpCodes.Ldloca, _stackMarker!);
        _il.Emit(OpCodes.Conv_U);
    }

    /// <summary>After the body: the stack probe (below the limit) and the depth trap, rarely run.</summary>
    private void EmitPrologueColdPaths()
    {
        if (!CountsCallDepth) return;
        _il.MarkLabel(_probeStack);
        EmitStackPointer();
        _il.Emit(OpCodes.Call, Method(typeof(StackGuard), nameof(StackGuard.Probe)));
        _il.Emit(OpCodes.Starg, _stackLimitArgument);
        _il.Emit(OpCodes.Ldarg, _stackLimitArgument);
        _il.Emit(OpCodes.Brtrue, _stackProbed);
        _il.MarkLabel(_callStackExhausted);
        EmitTrap(TrapKind.CallStackExhausted, _body.BodyOffset);
    }

    /// <summary>Pushes the hidden arguments every call passes on: this function's call depth and stack limit.</summary>
    private void EmitCallDepthArguments()
    {
        _il.Emit(OpCodes.Ldarg, _depthArgument);
        _il.Emit(OpCodes.Ldarg, _stackLimitArgument);
    }

    private void EmitEpilogue()
    {
        // Results beyond the first go out through the by-ref arguments, last result on top of the stack.
        for (int r = _type.Results.Length - 1; r >= 1; r--)
        {
            var clr = ClrTypes.Of(_type.Results[r]);
            var temp = RentTemp(clr);
            _il.Emit(OpCodes.Stloc, temp);
            _il.Emit(OpCodes.Ldarg, _type.Parameters.Length + r - 1);
            _il.Emit(OpCodes.Ldloc, temp);
            _il.Emit(OpCodes.Stobj, clr);
            ReturnTemp(temp);
        }
        _il.Emit(OpCodes.Ret);
    }

    /// <summary>
    /// Loads the memory base and size into their locals (at entry, and after anything that may grow memory). With
    /// <paramref name="checkNotDisposed"/> it then traps if the memory is smaller than its declared minimum, which only
    /// a disposed memory (0 bytes) is: accesses bounded below the minimum skip their checks
    /// (FunctionCompiler.ValueBounds.cs), so without this one they would read the freed memory's null base.
    /// </summary>
    /// <param name="checkNotDisposed">At entries and after calls of imports (a host function may dispose the memory);
    /// not after memory.grow or calls of this module's functions, which cannot shrink it (a callee that called the host
    /// checked after that call), so the checks stay out of hot call paths.</param>
    /// <param name="valuesBelow">IL values on the stack here, when known (0 at entries), for the trap's exit.</param>
    private void ReloadMemory(bool checkNotDisposed, int? valuesBelow = null)
    {
        if (_memoryBase is null) return;
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.MemoryBase)));
        _il.Emit(OpCodes.Stloc, _memoryBase);
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.MemorySize)));
        _il.Emit(OpCodes.Stloc, _memorySize!);
        EmitBoundsLimits();
        if (checkNotDisposed && _module.MinimumMemoryBytes > 0)
        {
            // The bounds check of an access of MinimumMemoryBytes bytes at address 0.
            _il.Emit(OpCodes.Ldc_I8, 0L);
            EmitBoundsCheck(_module.MinimumMemoryBytes, valuesBelow);
        }
    }

    // ---- Traps ----

    /// <summary>Jumps to the shared throw block with this site's kind and offset; empties the IL stack.</summary>
    private void EmitTrap(TrapKind kind, int offset)
    {
        _trapSite ??= _il.DeclareLocal(typeof(long));
        _il.Emit(OpCodes.Ldc_I8, InstanceContext.PackTrapSite(kind, offset));
        _il.Emit(OpCodes.Stloc, _trapSite);
        _il.Emit(OpCodes.Leave, _throwLabel);
    }

    private void EmitTrap(TrapKind kind) => EmitTrap(kind, _offset);

    /// <summary>Emits <paramref name="branchIfOk"/> over a trap: the trap happens when the branch is not taken.</summary>
    private void EmitTrapUnless(OpCode branchIfOk, TrapKind kind)
    {
        var ok = _il.DefineLabel();
        _il.Emit(branchIfOk, ok);
        EmitTrap(kind);
        _il.MarkLabel(ok);
    }

    // ---- Value stack and temporaries ----

    private ControlFrame Current => _frames[^1];

    private void Push(ValueType type)
    {
        _stack.Add(type);
        _bounds.Add(ValueBound.Unknown);
    }

    private ValueType Pop()
    {
        var type = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        _bounds.RemoveAt(_bounds.Count - 1);
        return type;
    }

    private void Pop(int count)
    {
        _stack.RemoveRange(_stack.Count - count, count);
        _bounds.RemoveRange(_bounds.Count - count, count);
    }

    private LocalBuilder RentTemp(Type type)
    {
        if (_temps.TryGetValue(type, out var pool) && pool.Count > 0) return pool.Pop();
        return _il.DeclareLocal(type);
    }

    private LocalBuilder RentTemp(ValueType type) => RentTemp(ClrTypes.Of(type));

    /// <summary>
    /// Duplicates the top of the IL stack through a pooled local. An IL <c>dup</c> of anything but a local or a
    /// constant makes the JIT's importer grab a fresh temporary each time; a large function collected thousands,
    /// past the 1,024 locals the JIT tracks, and the untracked ones (hot-loop values among them) live in memory.
    /// </summary>
    private void EmitDuplicate(Type type)
    {
        var temp = RentTemp(type);
        _il.Emit(OpCodes.Stloc, temp);
        _il.Emit(OpCodes.Ldloc, temp);
        _il.Emit(OpCodes.Ldloc, temp);
        ReturnTemp(temp);
    }

    private void ReturnTemp(LocalBuilder local)
    {
        if (!_temps.TryGetValue(local.LocalType, out var pool)) _temps[local.LocalType] = pool = new Stack<LocalBuilder>();
        pool.Push(local);
    }

    private static FieldInfo Field(Type type, string name) =>
        type.GetField(name, BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
        ?? throw new MissingFieldException(type.Name, name);

    private static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        (parameters.Length == 0
            ? type.GetMethod(name, BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            : type.GetMethod(name, BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, parameters))
        ?? throw new MissingMethodException(type.Name, name);
}

/// <summary>What opened a control frame.</summary>
internal enum FrameKind
{
    Function,
    Block,
    Loop,
    If,
}

/// <summary>
/// One entry of the control stack. <see cref="Label"/> is where branches go (a loop's start, else the end);
/// the IL stack at it is the values below <see cref="Height"/> plus the branch values.
/// </summary>
internal sealed class ControlFrame(FrameKind kind, Label label, FuncType type, int height)
{
    public FrameKind Kind { get; } = kind;
    public Label Label { get; } = label;
    public FuncType Type { get; } = type;
    public int Height { get; } = height;
    public Label ElseLabel { get; set; }
    public bool HasElse { get; set; }

    /// <summary>True once the code at the current position cannot run (after br, return, unreachable...).</summary>
    public bool Unreachable { get; set; }

    /// <summary>True when some branch or fall-through reaches the end label.</summary>
    public bool EndReachable { get; set; }

    /// <summary>Types a branch to this frame carries: a loop's parameters, otherwise the results.</summary>
    public System.Collections.Immutable.ImmutableArray<ValueType> BranchTypes => Kind == FrameKind.Loop ? Type.Parameters : Type.Results;
}
