using System.Runtime.CompilerServices;

namespace WasmNN.Engine.Runtime;

/// <summary>
/// Keeps deep wasm recursion from overflowing the .NET stack (a StackOverflowException kills the process) for one
/// compare per call. Every compiled function compares its stack pointer with a limit it receives as a hidden
/// argument (in a register, like V8's compare against the isolate's stack limit) and passes it on to its callees.
/// Only below the limit does it ask the runtime (<see cref="RuntimeHelpers.TryEnsureSufficientExecutionStack"/>,
/// which answers whether 128 KiB or more remain on 64-bit hosts) and lowers the limit <see cref="Window"/> bytes
/// below itself for its callees. Calls from the host pass <see cref="ProbeNow"/>, so the first frame probes.
/// </summary>
internal static class StackGuard
{
    /// <summary>
    /// Stack a chain of calls may use below a successful probe before the next probe. Well under the 128 KiB the
    /// probe guarantees, leaving room for one frame crossing the limit (functions with large frames probe on every
    /// entry instead) and for throwing the trap.
    /// </summary>
    internal const int Window = 32 * 1024;

    /// <summary>The limit meaning "probe at once": as an unsigned address (-1), above every stack address.</summary>
    internal const int ProbeNow = -1;

    /// <summary>The limit for the callees of a frame at <paramref name="stackPointer"/>, or 0 when the stack is nearly exhausted.</summary>
    internal static nint Probe(nint stackPointer) => RuntimeHelpers.TryEnsureSufficientExecutionStack() ? stackPointer - Window : 0;
}
