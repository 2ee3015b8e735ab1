using System.Diagnostics;
using System.Text.Json;

namespace WasmNN.Benchmarks;

/// <summary>A JavaScript engine (Node/V8, Bun/JavaScriptCore) running run.mjs on the same .wasm files.</summary>
/// <param name="label">Column heading.</param>
/// <param name="command">The executable and its flags, e.g. <c>node --no-liftoff</c>.</param>
/// <param name="runnerScript">Path of run.mjs.</param>
/// <param name="specPath">Path of kernels.json.</param>
internal sealed class JsEngine(string label, IReadOnlyList<string> command, string runnerScript, string specPath) : IKernelEngine
{
    public string Label => label;

    public IReadOnlyList<KernelResult> Run(BenchmarkSpec spec, string wasmDirectory, int runs)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1).Concat([runnerScript, specPath, wasmDirectory, runs.ToString()])) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command[0]}");
        var errors = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line) lines.Add(line);
        process.WaitForExit();
        var results = new List<KernelResult>();
        foreach (var line in lines.Where(l => l.StartsWith('{')))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            string name = root.GetProperty("name").GetString()!;
            results.Add(root.TryGetProperty("error", out var error)
                ? new KernelResult(name, 0, 0, error.GetString())
                : new KernelResult(name, root.GetProperty("gflops").GetDouble(), root.GetProperty("checksum").GetDouble()));
        }
        if (results.Count == 0) results.AddRange(spec.Kernels.Select(k => new KernelResult(k.Name, 0, 0, $"no output: {errors.Result.Split('\n')[0]}")));
        return results;
    }
}
