using WasmNN.Engine;
using WasmNN.Wasm;

namespace WasmNN.Wasi;

/// <summary>Bounds for running an untrusted WASI program.</summary>
public sealed record WasiRunLimits
{
    /// <summary>No limits beyond the engine defaults.</summary>
    public static WasiRunLimits None { get; } = new();

    /// <summary>Wall-clock limit for the whole run, or null for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Most bytes of linear memory the guest may have (rounded down to 64 KiB pages), or null for 4 GiB.</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>Deepest wasm call nesting before a "call stack exhausted" trap, or null for the engine default.</summary>
    public int? MaxCallDepth { get; init; }
}

/// <summary>How a run ended.</summary>
public enum WasiRunOutcome
{
    /// <summary><c>_start</c> returned or the guest called <c>proc_exit</c>.</summary>
    Exited,
    /// <summary>The guest trapped (including call stack exhausted).</summary>
    Trapped,
    /// <summary>The time limit elapsed.</summary>
    TimedOut,
    /// <summary>The module could not be loaded: malformed, invalid, unsupported, unlinkable, not a command, or over a limit.</summary>
    LoadFailed,
}

/// <summary>The result of <see cref="WasiRunner.Run"/>.</summary>
/// <param name="Outcome">How the run ended.</param>
/// <param name="ExitCode">The guest's exit status, or the runner's status for the other outcomes (see <see cref="WasiRunner"/>).</param>
/// <param name="Message">A one-line reason when <paramref name="Outcome"/> is not <see cref="WasiRunOutcome.Exited"/>.</param>
public sealed record WasiRunResult(WasiRunOutcome Outcome, int ExitCode, string? Message);

/// <summary>
/// Compiles and runs a WASI command (a module exporting <c>_start</c>) on the WasmNN engine, bounded by
/// <see cref="WasiRunLimits"/>. Nothing the guest does escapes as an exception: every ending is a
/// <see cref="WasiRunResult"/>, and the host stays usable.
/// </summary>
/// <remarks>
/// Exit statuses for endings other than <c>proc_exit</c>: <see cref="TrapExitCode"/> (134, as for an
/// aborted native program), <see cref="TimeoutExitCode"/> (124, as GNU <c>timeout</c>),
/// <see cref="LoadFailedExitCode"/> (126, "cannot execute").
/// </remarks>
public static class WasiRunner
{
    /// <summary>Status after a trap.</summary>
    public const int TrapExitCode = 134;

    /// <summary>Status after the time limit.</summary>
    public const int TimeoutExitCode = 124;

    /// <summary>Status when the module cannot be loaded or linked.</summary>
    public const int LoadFailedExitCode = 126;

    /// <summary>
    /// The guest runs on its own thread with this much stack (reserved, not committed), so the engine's
    /// call-depth limit trips before its stack check, and the .NET stack never overflows.
    /// </summary>
    private const int GuestStackBytes = 256 * 1024 * 1024;

    /// <summary>How long an interrupted guest gets to reach its next loop header or call.</summary>
    private static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="wasm"/> with the world described by <paramref name="options"/>.</summary>
    public static WasiRunResult Run(byte[] wasm, WasiOptions options, WasiRunLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        ArgumentNullException.ThrowIfNull(options);
        limits ??= WasiRunLimits.None;

        // One cancellation stops both kinds of guest code: compiled loops (the engine's interrupt flag, checked at
        // loop headers and function entries) and host waits (WASI calls and poll_oneoff sleeps).
        using var timeLimit = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeLimit.Token, options.Cancellation);
        options = options with { Cancellation = stop.Token };
        var reason = limits.Timeout is { } limit ? $"time limit of {limit.TotalSeconds:0.###} s exceeded" : "cancelled by the host";
        var engine = new Engine.Engine(EngineOptionsFor(limits));
        using var interrupt = engine.InterruptWhen(reason, stop.Token);

        WasiRunResult? result = null;
        var guest = new Thread(() => result = RunOnThisThread(engine, wasm, options, reason), GuestStackBytes)
        {
            IsBackground = true, // should a guest ever ignore the interrupt, it must not keep the process alive
            Name = "wasi guest",
        };
        guest.Start();
        if (limits.Timeout is { } timeout && !guest.Join(timeout))
        {
            timeLimit.Cancel();
            if (!guest.Join(InterruptGrace))
                return new WasiRunResult(WasiRunOutcome.TimedOut, TimeoutExitCode, $"wasm trap: execution interrupted: {reason} (guest did not stop)");
        }
        guest.Join();
        return result!;
    }

    private static WasiRunResult RunOnThisThread(Engine.Engine engine, byte[] wasm, WasiOptions options, string stopReason)
    {
        using var host = CreateHost(options, out var hostError);
        if (host is null) return LoadFailed(hostError!);
        WasmFunction start;
        try
        {
            var module = engine.Compile(wasm);
            var linker = new Linker(engine);
            host.Define(linker);
            var instance = linker.Instantiate(module);
            start = instance.GetFunction("_start") ?? throw new WasmLinkException("not a WASI command (no \"_start\" export)", "", "_start");
            if (start.Type.Parameters.Length != 0 || start.Type.Results.Length != 0)
                throw new WasmLinkException("\"_start\" must take and return nothing", "", "_start");
        }
        catch (Exception e) when (e is WasmFormatException or WasmCompileException or WasmLinkException or ArgumentException or NotSupportedException)
        {
            return LoadFailed(e.Message);
        }
        catch (Exception e)
        {
            return Ended(e, options, stopReason);
        }

        try
        {
            start.Call();
            return new WasiRunResult(WasiRunOutcome.Exited, 0, null);
        }
        catch (Exception e)
        {
            return Ended(e, options, stopReason);
        }
    }

    /// <summary>Classifies how the guest stopped. Never rethrows: the embedding process must keep running.</summary>
    private static WasiRunResult Ended(Exception e, WasiOptions options, string stopReason) => e switch
    {
        WasiExitException exit => new(WasiRunOutcome.Exited, exit.ExitCode, null),
        WasmTrapException { Kind: TrapKind.Interrupted } trap => new(WasiRunOutcome.TimedOut, TimeoutExitCode, trap.Message),
        WasmTrapException trap => new(WasiRunOutcome.Trapped, TrapExitCode, trap.Message),
        OperationCanceledException when options.Cancellation.IsCancellationRequested =>
            new(WasiRunOutcome.TimedOut, TimeoutExitCode, $"wasm trap: execution interrupted: {stopReason} (in a WASI call)"),
        _ => new(WasiRunOutcome.Trapped, TrapExitCode, $"wasm trap: host error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}"),
    };

    private static WasiHost? CreateHost(WasiOptions options, out string? error)
    {
        error = null;
        try
        {
            return new WasiHost(options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = e.Message;
            return null;
        }
    }

    private static EngineOptions EngineOptionsFor(WasiRunLimits limits)
    {
        var options = EngineOptions.Default;
        if (limits.MaxMemoryBytes is { } bytes)
        {
            var pages = (uint)Math.Clamp(bytes / MemoryType.PageSize, 0, MemoryType.MaxPages);
            options = options with { MaxMemoryPages = pages, MemoryReservePages = Math.Min(options.MemoryReservePages, pages) };
        }
        if (limits.MaxCallDepth is { } depth) options = options with { MaxCallDepth = depth };
        return options;
    }

    private static WasiRunResult LoadFailed(string message) =>
        new(WasiRunOutcome.LoadFailed, LoadFailedExitCode, message);
}
