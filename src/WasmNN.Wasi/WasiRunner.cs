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
    /// The guest runs on its own thread with this much stack, so deep (but bounded) recursion fits, and the
    /// engine's call-depth and stack checks trap before the .NET stack overflows.
    /// </summary>
    private const int GuestStackBytes = 256 * 1024 * 1024;

    /// <summary>Runs <paramref name="wasm"/> with the world described by <paramref name="options"/>.</summary>
    public static WasiRunResult Run(byte[] wasm, WasiOptions options, WasiRunLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        ArgumentNullException.ThrowIfNull(options);
        limits ??= WasiRunLimits.None;

        using var timeout = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, options.Cancellation);
        options = options with { Cancellation = linked.Token };

        WasiRunResult? result = null;
        var guest = new Thread(() => result = RunOnThisThread(wasm, options, limits), GuestStackBytes)
        {
            IsBackground = true, // a guest the engine cannot interrupt must not keep the process alive
            Name = "wasi guest",
        };
        guest.Start();
        var finished = limits.Timeout is { } limit ? guest.Join(limit) : guest.Join(Timeout.Infinite);
        if (!finished)
        {
            // Wakes a guest blocked in poll_oneoff. A guest spinning in compiled code can only be stopped by an
            // engine interrupt (see docs/WASI.md); until then it is abandoned on its background thread.
            timeout.Cancel();
            guest.Join(TimeSpan.FromMilliseconds(200));
            return new WasiRunResult(WasiRunOutcome.TimedOut, TimeoutExitCode,
                $"wasm trap: time limit of {limits.Timeout!.Value.TotalSeconds:0.###} s exceeded");
        }
        return result!;
    }

    private static WasiRunResult RunOnThisThread(byte[] wasm, WasiOptions options, WasiRunLimits limits)
    {
        Instance instance;
        WasmFunction start;
        using var host = CreateHost(options, out var hostError);
        if (host is null) return LoadFailed(hostError!);
        try
        {
            var engine = new Engine.Engine(EngineOptionsFor(limits));
            var module = engine.Compile(wasm);
            var linker = new Linker(engine);
            host.Define(linker);
            instance = linker.Instantiate(module);
            start = instance.GetFunction("_start") ?? throw new WasmLinkException("not a WASI command (no \"_start\" export)", "", "_start");
            if (start.Type.Parameters.Length != 0 || start.Type.Results.Length != 0)
                throw new WasmLinkException("\"_start\" must take and return nothing", "", "_start");
            host.Attach(instance);
        }
        catch (WasiExitException exit)
        {
            return new WasiRunResult(WasiRunOutcome.Exited, exit.ExitCode, null); // proc_exit from a start function
        }
        catch (WasmTrapException trap)
        {
            return new WasiRunResult(WasiRunOutcome.Trapped, TrapExitCode, trap.Message);
        }
        catch (Exception e) when (e is WasmFormatException or WasmCompileException or WasmLinkException or ArgumentException or NotSupportedException)
        {
            return LoadFailed(e.Message);
        }

        try
        {
            start.Call();
            return new WasiRunResult(WasiRunOutcome.Exited, 0, null);
        }
        catch (WasiExitException exit)
        {
            return new WasiRunResult(WasiRunOutcome.Exited, exit.ExitCode, null);
        }
        catch (WasmTrapException trap)
        {
            return new WasiRunResult(WasiRunOutcome.Trapped, TrapExitCode, trap.Message);
        }
        catch (OperationCanceledException) when (options.Cancellation.IsCancellationRequested)
        {
            return new WasiRunResult(WasiRunOutcome.TimedOut, TimeoutExitCode, "wasm trap: run cancelled (time limit)");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in the engine or this host must still leave the embedding process running.
            return new WasiRunResult(WasiRunOutcome.Trapped, TrapExitCode, $"wasm trap: host error: {e.GetType().Name}: {e.Message}");
        }
    }

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
