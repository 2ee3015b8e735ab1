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
}
