using System.Text;
using Wasmtime;
using WasmtimeEngine = Wasmtime.Engine;
using WasmtimeModule = Wasmtime.Module;

namespace WasmNN.Tests;

/// <summary>One WASI command's world on wasmtime: arguments, environment, preopened directories, stdin, time limit.</summary>
internal sealed record WasmtimeRun
{
    /// <summary><c>argv</c>, program name first.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = ["program"];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Guest path to host directory, each writable.</summary>
    public IReadOnlyDictionary<string, string> Preopens { get; init; } = new Dictionary<string, string>();

    public string Stdin { get; init; } = "";

    /// <summary>Wall-clock limit; past it the guest is interrupted (epoch interruption) and the run reports a trap.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>How a wasmtime run ended: the process-like output, plus the trap message when the guest trapped.</summary>
/// <remarks>A trap gives exit code <see cref="TrapExitCode"/>, as the wasmtime CLI.</remarks>
internal sealed record WasmtimeResult(ProcessOutput Output, string? Trap)
{
    /// <summary>The exit code the wasmtime CLI gives a trapping guest on Unix (abort).</summary>
    public const int TrapExitCode = 134;
}

/// <summary>
/// Runs a WASI preview1 command on wasmtime through its .NET embedding (NuGet <c>Wasmtime</c>, native library from
/// the package's runtimes/ folder): the second reference host beside Node's node:wasi. stdout and stderr are
/// captured as UTF-8, the exit code is <c>proc_exit</c>'s (0 when <c>_start</c> returns). Test projects opt in with
/// <c>&lt;UseWasmtime&gt;true&lt;/UseWasmtime&gt;</c> (Directory.Build.props adds the package and this file).
/// </summary>
internal static class WasmtimeRunner
{
    public static WasmtimeResult Run(string wasmPath, WasmtimeRun run)
    {
        using var config = new Config().WithEpochInterruption(true);
        using var engine = new WasmtimeEngine(config);
        using var module = WasmtimeModule.FromFile(engine, wasmPath);
        using var linker = new Linker(engine);
        using var store = new Store(engine);
        linker.DefineWasi();

        var stdinFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(stdinFile, run.Stdin);
            var stdout = new MemoryStream();
            var stderr = new MemoryStream();
            var wasi = new WasiConfiguration()
                .WithArgs(run.Arguments)
                .WithEnvironmentVariables(run.Environment.Select(e => (e.Key, e.Value)))
                .WithStandardInput(stdinFile)
                .WithStandardOutputCallback(bytes => stdout.Write(bytes))
                .WithStandardErrorCallback(bytes => stderr.Write(bytes));
            foreach (var (guest, host) in run.Preopens) wasi.WithPreopenedDirectory(host, guest, mutable: true);
            store.SetWasiConfiguration(wasi);
            store.SetEpochDeadline(1);

            ProcessOutput Output(int exitCode) =>
                new(exitCode, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));

            // One epoch tick at the deadline interrupts the guest wherever it is.
            using var deadline = new Timer(_ => engine.IncrementEpoch(), null, run.Timeout, System.Threading.Timeout.InfiniteTimeSpan);
            try
            {
                var instance = linker.Instantiate(store, module);
                var start = instance.GetAction("_start") ?? throw new InvalidOperationException($"{wasmPath} exports no _start");
                start();
                return new WasmtimeResult(Output(0), null);
            }
            catch (WasmtimeException e) when (e.ExitCode is { } exitCode)
            {
                return new WasmtimeResult(Output(exitCode), null);
            }
            catch (WasmtimeException e)
            {
                // A trap, or a host function refusing the guest's call (wasmtime traps on an invalid enum value).
                return new WasmtimeResult(Output(WasmtimeResult.TrapExitCode), e.Message);
            }
        }
        finally
        {
            File.Delete(stdinFile);
        }
    }
}
