using WasmNN.Wasm;

namespace WasmNN.Engine.Runtime;

/// <summary>
/// Everything compiled code of one instance reaches: passed as the last argument of every compiled function.
/// A host function gets its own context whose <see cref="HostTarget"/> is the callback.
/// </summary>
internal sealed unsafe class InstanceContext
{
    // Fields, not properties: the IL compiler loads them with ldfld.
    internal WasmMemory? Memory;
    /// <summary>
    /// Copies of <see cref="Memory"/>'s base and size, kept current by the memory (<see cref="WasmMemory.AddUser"/>):
    /// compiled code reloads them at every function entry, one load each from its context argument where the memory's
    /// own fields took two in a chain (context, then memory), on the way to a virtual call's first access.
    /// </summary>
    internal byte* MemoryBase;
    internal long MemorySize;
    internal WasmGlobal[] Globals = [];
    internal WasmTable[] Tables = [];
    /// <summary>Tables[0], the table of nearly every call_indirect: one load instead of an array access.</summary>
    internal WasmTable? Table0;
    /// <summary>A copy of Table0's call_indirect slots, kept current by the table (<see cref="WasmTable.AddTable0User"/>): one load from the context.</summary>
    internal FunctionSlot[] Table0Slots = [];
    internal WasmFunction[] Functions = [];
    internal byte[][] DataSegments = [];
    internal object?[][] ElementSegments = [];
    internal CompiledModule? Module;
    internal Delegate? HostTarget;
    /// <summary>The engine's interrupt request, checked by compiled code at function entries and loop headers.</summary>
    internal required InterruptFlag Interrupt;
    /// <summary>For a host function that takes a <see cref="WasmNN.Engine.Caller"/>: the instance it is bound to (see <see cref="WasmFunction.BindCaller"/>).</summary>
    internal Caller? Caller;
    /// <summary>The instance this context belongs to, once constructed (null for host functions).</summary>
    internal Instance? Instance;

    /// <summary>Builds the trap for a trap site: <paramref name="site"/> packs the byte offset and the kind.</summary>
    internal static WasmTrapException Trap(long site, int functionIndex, InstanceContext context)
    {
        var kind = (TrapKind)(site & 0xFF);
        int offset = (int)(site >> 8);
        var reason = kind == TrapKind.Interrupted ? Volatile.Read(ref context.Interrupt.Reason) : null;
        return new WasmTrapException(kind, functionIndex, context.Module?.GetFunctionName(functionIndex), offset, reason);
    }

    internal static long PackTrapSite(TrapKind kind, int offset) => ((long)offset << 8) | (long)kind;
}

/// <summary>
/// The wasm call depth of the current thread at host boundaries. Compiled code counts calls in a hidden argument
/// (deep recursion traps with "call stack exhausted" past <see cref="EngineOptions.MaxCallDepth"/>); a host
/// function called from wasm stores the depth here while it runs, and calls from the host start from it.
/// </summary>
internal static class CallStack
{
    [ThreadStatic] internal static int Depth;
}
