namespace WasmNN.Engine;

/// <summary>Limits and knobs of an <see cref="Engine"/>.</summary>
public sealed record EngineOptions
{
    /// <summary>The defaults.</summary>
    public static EngineOptions Default { get; } = new();

    /// <summary>
    /// Deepest wasm call nesting before a "call stack exhausted" trap. The thread's real stack is checked as well,
    /// so a small thread stack traps earlier.
    /// </summary>
    public int MaxCallDepth { get; init; } = 50_000;

    /// <summary>
    /// Pages (64 KiB) reserved up front for a memory without a smaller maximum, so its base never moves until it
    /// grows past this. Untouched reserved pages cost address space, not RAM. Default 4096 pages = 256 MiB.
    /// </summary>
    public uint MemoryReservePages { get; init; } = 4096;

    /// <summary>Most pages any memory may grow to (default 65536 = 4 GiB, the wasm32 limit).</summary>
    public uint MaxMemoryPages { get; init; } = 65536;

    /// <summary>Validate modules before compiling (turn off only for modules already validated).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>
    /// Check for <see cref="Engine.Interrupt"/> at every function entry and loop header (one load and a branch),
    /// so the host can stop a guest that never returns. Turn off only for trusted code that must not pay even that.
    /// </summary>
    public bool Interruptible { get; init; } = true;

    /// <summary>
    /// Receives compile-time warnings, e.g. a function too large for the JIT to optimise (over ~60 KB of IL or
    /// 2,000 locals it is compiled without optimisation, several times slower). Null: warnings are dropped.
    /// </summary>
    public Action<string>? Diagnostics { get; init; }

    /// <summary>
    /// Tests only: compile every function lean and outline every loop that qualifies, whatever its size, so that
    /// differential fuzzing of small random modules reaches the code paths only huge functions take otherwise
    /// (binaryen's modules exercise the lean compile; their loops return at the hang limit, so few qualify for outlining).
    /// </summary>
    internal bool LeanAndOutlineEverywhere { get; init; }
}
