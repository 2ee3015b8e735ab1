namespace WasmNN.Engine.Runtime;

/// <summary>
/// An engine's interrupt request, shared by every instance context of the engine. Compiled code reads
/// <see cref="Requested"/> with one volatile load at function entries and loop headers (volatile so the JIT cannot
/// hoist the read out of a loop that never writes it).
/// </summary>
internal sealed class InterruptFlag
{
    // Fields, not properties: the IL compiler loads Requested with ldfld.
    internal int Requested;
    internal string? Reason;
}
