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
