using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text;
using WasmNN.Benchmarks;

// Runs the kernels of kernels.json on our engine, on hand-written Vector128 C# and on each JavaScript engine given
// with --engine, in rounds (engines interleaved, so machine noise hits all of them alike), keeps each engine's best
// round and prints GFLOP/s and the ratios of WasmNN to each reference engine.
//
// usage: WasmNN.Benchmarks --spec kernels.json --wasm DIR --js-runner run.mjs
//          [--engine "Label=command flags..."]... [--rounds 3] [--runs 5] [--markdown FILE] [--only NAME-PART]
var options = Options.Parse(args);
var spec = BenchmarkSpec.Load(options.Spec);
if (options.Only is { } only) spec = spec with { Kernels = [.. spec.Kernels.Where(k => k.Name.Contains(only, StringComparison.OrdinalIgnoreCase))] };
var engines = new List<IKernelEngine> { new WasmNNEngine(), new VectorPeers() };
engines.AddRange(options.Engines.Select(e => new JsEngine(e.Label, e.Command, options.JsRunner, options.Spec)));

var best = new Dictionary<(string Engine, string Kernel), KernelResult>();
for (int round = 1; round <= options.Rounds; round++)
{
    foreach (var engine in engines)
    {
        Console.Error.WriteLine($"round {round}/{options.Rounds}: {engine.Label}");
        foreach (var result in engine.Run(spec, options.Wasm, options.Runs))
        {
            var key = (engine.Label, result.Name);
            if (!best.TryGetValue(key, out var previous) || previous.Error is not null || result.Gflops > previous.Gflops) best[key] = result;
        }
    }
}

var table = Report.Table(spec, engines.Select(e => e.Label).ToList(), best);
Console.WriteLine(Report.Heading(options));
Console.WriteLine(table);
if (options.Markdown is { } path) File.WriteAllText(path, Report.Heading(options) + "\n\n" + table + "\n");

/// <summary>Command-line options.</summary>
internal sealed record Options(string Spec, string Wasm, string JsRunner, IReadOnlyList<(string Label, string[] Command)> Engines,
    int Rounds, int Runs, string? Markdown, string? Only)
{
    public static Options Parse(string[] args)
    {
        string? spec = null, wasm = null, runner = null, markdown = null, only = null;
        int rounds = 3, runs = 5;
        var engines = new List<(string, string[])>();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--spec": spec = Next(); break;
                case "--wasm": wasm = Next(); break;
                case "--js-runner": runner = Next(); break;
                case "--markdown": markdown = Next(); break;
                case "--only": only = Next(); break;
                case "--rounds": rounds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--engine":
                {
                    string text = Next();
                    int equals = text.IndexOf('=', StringComparison.Ordinal);
                    if (equals < 0) throw new ArgumentException($"--engine wants LABEL=COMMAND, got '{text}'");
                    engines.Add((text[..equals], text[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                    break;
                }
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return new Options(spec ?? throw new ArgumentException("--spec is required"), wasm ?? throw new ArgumentException("--wasm is required"),
            runner ?? "run.mjs", engines, rounds, runs, markdown, only);
    }
}

/// <summary>The results table (Markdown, readable as plain text too).</summary>
internal static class Report
{
    public static string Heading(Options options) =>
        $"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
        $"AVX-512: {Avx512F.IsSupported}; best of {options.Runs} calls x {options.Rounds} interleaved rounds, CPU time; GFLOP/s (higher is better), " +
        "ratios = WasmNN / engine.";

    public static string Table(BenchmarkSpec spec, IReadOnlyList<string> engines, IReadOnlyDictionary<(string, string), KernelResult> results)
    {
        var references = engines.Skip(2).ToList();
        var text = new StringBuilder();
        text.AppendLine("| kernel | " + string.Join(" | ", engines) + " | " + string.Join(" | ", references.Select(r => $"WasmNN / {r}")) + " |");
        text.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", engines.Count + references.Count)));
        var notes = new List<string>();
        foreach (var kernel in spec.Kernels)
        {
            var cells = new List<string> { kernel.Name };
            results.TryGetValue(("WasmNN", kernel.Name), out var ours);
            foreach (var engine in engines)
            {
                if (!results.TryGetValue((engine, kernel.Name), out var r)) { cells.Add("-"); continue; }
                if (r.Error is not null) { cells.Add("n/a"); notes.Add($"{engine}, {kernel.Name}: {r.Error}"); continue; }
                cells.Add(r.Gflops.ToString("F1", CultureInfo.InvariantCulture));
                // Relaxed kernels may round differently (fused or not); everything else must agree to the bit.
                double tolerance = kernel.Relaxed ? 1e-4 * Math.Abs(r.Checksum) : 0;
                if (ours is { Error: null } && Math.Abs(ours.Checksum - r.Checksum) > tolerance)
                {
                    notes.Add($"{engine}, {kernel.Name}: checksum {r.Checksum} differs from WasmNN's {ours.Checksum}");
                }
            }
            foreach (var reference in references)
            {
                cells.Add(results.TryGetValue((reference, kernel.Name), out var r) && r.Error is null && ours is { Error: null }
                    ? (ours.Gflops / r.Gflops).ToString("F2", CultureInfo.InvariantCulture) + "x"
                    : "-");
            }
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        foreach (var note in notes.Distinct()) text.AppendLine().Append("- ").Append(note);
        return text.ToString();
    }
}
