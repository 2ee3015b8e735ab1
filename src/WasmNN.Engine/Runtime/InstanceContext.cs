using WasmNN.Wasm;

namespace WasmNN.Engine.Runtime;

/// <summary>
/// Everything compiled code of one instance reaches: passed as the last argument of every compiled function.
/// A host function gets its own context whose <see cref="HostTarget"/> is the callback.
/// </summary>
internal sealed class InstanceContext
{
    // Fields, not properties: the IL compiler loads them with ldfld.
    internal WasmMemory? Memory;
    internal WasmGlobal[] Globals = [];
    internal WasmTable[] Tables = [];
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
/// The call depth of wasm code on the current thread. Compiled functions count themselves in and out so deep
/// recursion traps with "call stack exhausted" instead of overflowing the .NET stack, which would kill the process.
/// </summary>
internal static class CallStack
{
    [ThreadStatic] internal static int Depth;
}
