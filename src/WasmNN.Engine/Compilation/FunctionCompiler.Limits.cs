using System.Reflection.Emit;
using WasmNN.Engine.Runtime;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// The engine's limits for untrusted code: interrupt checks at function entries and loop headers. (The warning for
/// a function too large for the JIT to optimise reads the finished IL back: <see cref="IlStatistics"/>.)
/// </summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>The engine's interrupt flag, loaded before each loop so the check at its header is one load.</summary>
    private LocalBuilder? _interruptFlag;

    private bool Interruptible => _module.Engine.Options.Interruptible;

    /// <summary>
    /// Iterations of a proven loop copy between interrupt checks. Its trip count is known and bounded at entry, so
    /// it needs no check per iteration to stay interruptible, only a bounded delay (at most this many iterations of
    /// a body of at most 4 KB of wasm; nested loops and calls keep their own checks).
    /// </summary>
    private const int ProvenLoopInterruptInterval = 1024;

    /// <summary>
    /// Set while compiling a proven loop copy (its <c>loop</c> instruction's offset and a local), until its header is
    /// opened: that header, and no loop nested in its body, counts iterations down in the local and loads the interrupt flag every <see cref="ProvenLoopInterruptInterval"/> iterations only. The
    /// flag's load per iteration cost axpy (8 vector loads and 4 stores per iteration, bound by the load/store
    /// pipes) about 4%; the counter is a register decrement and a branch.
    /// </summary>
    private (int Offset, LocalBuilder Budget)? _provenLoop;

    /// <summary>At function entry: trap if the engine is interrupted (also stops runaway recursion and call chains).</summary>
    private void EmitEntryInterruptCheck()
    {
        if (!Interruptible) return;
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Interrupt)));
        EmitInterruptCheck(_body.BodyOffset);
    }

    /// <summary>Before a loop's label: the flag into its local (once per loop entry, not per iteration).</summary>
    private void EmitLoopInterruptSetup()
    {
        if (!Interruptible) return;
        _interruptFlag ??= _il.DeclareLocal(typeof(InterruptFlag));
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InstanceContext), nameof(InstanceContext.Interrupt)));
        _il.Emit(OpCodes.Stloc, _interruptFlag);
    }

    /// <summary>At a loop's header, so every back edge passes it: trap if the engine is interrupted.</summary>
    private void EmitLoopInterruptCheck()
    {
        if (!Interruptible) return;
        _il.Emit(OpCodes.Ldloc, _interruptFlag!);
        EmitInterruptCheck(_offset);
    }

    /// <summary>
    /// Before a proven loop's label: the flag as <see cref="EmitLoopInterruptSetup"/>, and a budget of 1 so the first
    /// iteration checks as an ordinary loop's does (an interrupt already requested traps before the body runs).
    /// </summary>
    private void EmitCountedLoopInterruptSetup(LocalBuilder budget)
    {
        if (!Interruptible) return;
        EmitLoopInterruptSetup();
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Stloc, budget);
    }

    /// <summary>At a proven loop's header: the flag's check once the budget runs out, then a fresh budget.</summary>
    private void EmitCountedLoopInterruptCheck(LocalBuilder budget)
    {
        if (!Interruptible) return;
        var skip = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, budget);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stloc, budget);
        _il.Emit(OpCodes.Ldloc, budget);
        _il.Emit(OpCodes.Brtrue, skip);
        _il.Emit(OpCodes.Ldc_I4, ProvenLoopInterruptInterval);
        _il.Emit(OpCodes.Stloc, budget);
        EmitLoopInterruptCheck();
        _il.MarkLabel(skip);
    }

    /// <summary>With the flag object on the stack: one volatile load (the JIT must not hoist it out of the loop) and a branch.</summary>
    private void EmitInterruptCheck(int offset)
    {
        _il.Emit(OpCodes.Volatile);
        _il.Emit(OpCodes.Ldfld, Field(typeof(InterruptFlag), nameof(InterruptFlag.Requested)));
        var running = _il.DefineLabel();
        _il.Emit(OpCodes.Brfalse, running);
        EmitTrap(TrapKind.Interrupted, offset);
        _il.MarkLabel(running);
    }
}
