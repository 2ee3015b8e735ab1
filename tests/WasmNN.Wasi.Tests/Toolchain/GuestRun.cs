using System.Text;
using System.Text.Json;

namespace WasmNN.Wasi.Tests.Toolchain;

/// <summary>
/// One WASI program with its whole world (arguments, environment, preopens, stdin), runnable on our
/// engine, on Node's <c>node:wasi</c> and on wasmtime so a test can compare them.
/// </summary>
internal sealed record GuestRun(string Wasm)
{
    public IReadOnlyList<string> Arguments { get; init; } = ["program"];
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Guest path to host directory.</summary>
    public IReadOnlyDictionary<string, string> Preopens { get; init; } = new Dictionary<string, string>();

    public string Stdin { get; init; } = "";

    public (ProcessOutput Output, WasiRunResult Result) RunOnWasmNN(WasiRunLimits? limits = null)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var options = new WasiOptions
        {
            Arguments = Arguments,
            Environment = [.. Environment.Select(e => $"{e.Key}={e.Value}")],
            Preopens = [.. Preopens.Select(p => new Preopen(p.Value, p.Key))],
            Stdin = new WasiStream(new MemoryStream(Encoding.UTF8.GetBytes(Stdin))),
            Stdout = new WasiStream(stdout),
            Stderr = new WasiStream(stderr),
        };
        var result = WasiRunner.Run(File.ReadAllBytes(Wasm), options, limits);
        return (new ProcessOutput(result.ExitCode, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray())), result);
    }

    public ProcessOutput RunOnNode()
    {
        var config = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["args"] = Arguments,
            ["env"] = Environment,
            ["preopens"] = Preopens,
        });
        var harness = Path.Combine(AppContext.BaseDirectory, "Toolchain", "node-wasi-run.mjs");
        return ProcessRunner.Run("node", ["--no-warnings", harness, Wasm, config], Stdin);
    }

    public WasmtimeResult RunOnWasmtime() =>
        WasmtimeRunner.Run(Wasm, new WasmtimeRun { Arguments = Arguments, Environment = Environment, Preopens = Preopens, Stdin = Stdin });

    /// <summary>Runs on <paramref name="host"/>, asserting the guest ended by exiting (no trap, no load failure).</summary>
    public ProcessOutput RunExitingOn(GuestHost host)
    {
        switch (host)
        {
            case GuestHost.Node:
                return RunOnNode();
            case GuestHost.Wasmtime:
                var wasmtime = RunOnWasmtime();
                Assert.True(wasmtime.Trap is null, $"wasmtime trapped: {wasmtime.Trap}");
                return wasmtime.Output;
            default:
                var (output, result) = RunOnWasmNN();
                Assert.True(result.Outcome == WasiRunOutcome.Exited, $"{result.Outcome}: {result.Message}");
                return output;
        }
    }
}

/// <summary>The WASI hosts a guest runs on: the two references, then ours.</summary>
internal enum GuestHost
{
    Node,
    Wasmtime,
    WasmNN,
}

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wasmnn-wasi-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string relative, string content)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Every entry below <paramref name="path"/> as "path: description", sorted, for comparing trees.</summary>
    public static IReadOnlyList<string> Snapshot(string path)
    {
        var entries = new List<string>();
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(path, entry.FullName);
            entries.Add(entry.LinkTarget is { } target ? $"{relative}: link -> {target}"
                : entry is DirectoryInfo ? $"{relative}: dir"
                : $"{relative}: {File.ReadAllText(entry.FullName)}");
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
