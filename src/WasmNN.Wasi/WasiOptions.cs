namespace WasmNN.Wasi;

/// <summary>A host directory made visible to the guest under <see cref="GuestPath"/>.</summary>
/// <param name="HostPath">The directory on the host; everything the guest opens through it stays beneath it.</param>
/// <param name="GuestPath">The name the guest sees (wasi-libc maps absolute paths by this prefix), e.g. <c>/data</c> or <c>.</c>.</param>
public sealed record Preopen(string HostPath, string GuestPath)
{
    /// <summary>
    /// Parses the CLI form <c>HOST[::GUEST]</c>; without <c>::GUEST</c> the guest sees the host path as given.
    /// </summary>
    public static Preopen Parse(string spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        var split = spec.IndexOf("::", StringComparison.Ordinal);
        return split < 0 ? new Preopen(spec, spec) : new Preopen(spec[..split], spec[(split + 2)..]);
    }
}

/// <summary>A stdio stream and whether it is an interactive terminal (the guest line-buffers terminals).</summary>
/// <param name="Stream">The stream; the embedder owns it and <see cref="WasiHost"/> never disposes it.</param>
/// <param name="IsTerminal">True when it is a terminal (reported as a character device).</param>
public sealed record WasiStream(Stream Stream, bool IsTerminal = false);

/// <summary>Everything a <see cref="WasiHost"/> exposes to one guest: its whole world.</summary>
public sealed record WasiOptions
{
    /// <summary>The program's arguments, <c>argv[0]</c> (the program name) first.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The environment as <c>NAME=VALUE</c> strings; nothing of the host's leaks in unless listed.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>Directories the guest may use, numbered from fd 3 in this order.</summary>
    public IReadOnlyList<Preopen> Preopens { get; init; } = [];

    /// <summary>fd 0; empty by default.</summary>
    public WasiStream Stdin { get; init; } = new(Stream.Null);

    /// <summary>fd 1; discarded by default.</summary>
    public WasiStream Stdout { get; init; } = new(Stream.Null);

    /// <summary>fd 2; discarded by default.</summary>
    public WasiStream Stderr { get; init; } = new(Stream.Null);

    /// <summary>Clocks for <c>clock_time_get</c> and <c>poll_oneoff</c>; replace to make time deterministic.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Cancelled when the run must stop (e.g. its time limit). Host calls that block (<c>poll_oneoff</c>
    /// sleeps) observe it and throw <see cref="OperationCanceledException"/>.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// At most this many bytes per <c>fd_read</c>/<c>fd_write</c> call (null: no cap). WASI lets a host transfer
    /// fewer bytes than asked and real hosts do; a small cap checks that a guest loops until done.
    /// </summary>
    public int? MaxTransferBytes { get; init; }
}
