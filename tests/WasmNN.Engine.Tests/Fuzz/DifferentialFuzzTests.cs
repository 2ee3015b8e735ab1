using Xunit.Abstractions;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// Differential fuzzing: random valid modules from binaryen (<c>wasm-opt -ttf</c>) run on our engine, on V8 and on
/// wasmtime, and every call's results, traps and logged values must agree (see <see cref="ExecutionTrace"/> for what
/// "agree" allows). Saved failures in Fuzz/regressions replay first; new failures are saved there.
/// </summary>
public sealed class DifferentialFuzzTests(ITestOutputHelper output)
{
    private const string Prefix = "differential-";
    private static readonly EngineOptions s_leanEverywhere = new() { LeanAndOutlineEverywhere = true };
    private static readonly RegressionFolder s_regressions = new(Path.Combine("tests", "WasmNN.Engine.Tests", "Fuzz", "regressions"));

    private sealed record FuzzCase(string Label, byte[] Module, string? SaveAs)
    {
        public string File { get; set; } = "";
    }

    /// <summary>Modules per V8 process: start-up paid once, yet every batch well inside the process time limit.</summary>
    private const int BatchSize = 50;

    private sealed class Statistics
    {
        public int Modules, Calls, Lines, V8Lines, NaNOnly;

        public override string ToString() =>
            $"{Modules} modules, {Calls} export calls, {Lines} trace lines ({V8Lines} reached on V8, which stops at a v128 " +
            $"crossing into JS), {NaNOnly} modules differing only in NaN bits (agree after --denan)";
    }

    [Fact]
    public void BinaryenModules_OnEngineV8AndWasmtime_AgreeOnResultsTrapsAndLogs()
    {
        var settings = FuzzSettings.FromEnvironment(defaultCases: 200);
        var work = Directory.CreateTempSubdirectory("wasmnn-fuzz-");
        try
        {
            var statistics = new Statistics();
            var regressions = s_regressions.Files(Prefix).Select(f => new FuzzCase(Path.GetFileName(f), File.ReadAllBytes(f), null)).ToList();
            var failures = Run(regressions, work.FullName, statistics);
            for (int first = 0; first < settings.Cases; first += BatchSize)
            {
                var batch = new List<FuzzCase>();
                for (int i = first; i < Math.Min(first + BatchSize, settings.Cases); i++)
                {
                    var random = settings.CaseRandom(i);
                    var input = new byte[random.Next(500, 12_000)];
                    random.NextBytes(input);
                    batch.Add(new FuzzCase(settings.Replay(i), BinaryenGenerator.Generate(input, work.FullName), $"{Prefix}{settings.CaseSeed(i)}.wasm"));
                }
                failures.AddRange(Run(batch, work.FullName, statistics));
            }
            output.WriteLine($"seed {settings.Seed}: {statistics} ({regressions.Count} regressions replayed)");
            Assert.True(failures.Count == 0, $"seed {settings.Seed}: {failures.Count} of {statistics.Modules} modules differ:\n" + string.Join('\n', failures));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static List<string> Run(List<FuzzCase> cases, string work, Statistics statistics)
    {
        var plans = new List<CallPlan>();
        for (int i = 0; i < cases.Count; i++)
        {
            cases[i].File = Path.Combine(work, $"module{i}.wasm");
            File.WriteAllBytes(cases[i].File, cases[i].Module);
            plans.Add(CallPlan.For(cases[i].Module));
        }
        // V8 runs in its own process while this one runs our engine and wasmtime.
        var v8 = Task.Run(() => NodeHost.Run([.. cases.Select((c, i) => (c.File, plans[i]))]));
        var local = cases.Select((c, i) => (Ours: Observe(() => EngineHost.Run(c.Module, plans[i])),
            Wasmtime: Observe(() => WasmtimeHost.Run(c.Module, plans[i])),
            Lean: Observe(() => EngineHost.Run(c.Module, plans[i], s_leanEverywhere)))).ToList();
        var v8Traces = v8.GetAwaiter().GetResult();

        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            statistics.Modules++;
            statistics.Calls += plans[i].Calls.Length;
            statistics.Lines += local[i].Ours.Count;
            statistics.V8Lines += v8Traces[i].Count(line => !line.StartsWith(ExecutionTrace.StopPrefix, StringComparison.Ordinal));
            // The lean compile (and loop outlining) that functions past the JIT's limits get must agree with the usual one.
            var difference = ExecutionTrace.FirstDifference(local[i].Lean, local[i].Ours, "ours lean and outlined", "ours");
            if (difference is null)
            {
                difference = Difference(local[i].Ours, local[i].Wasmtime, v8Traces[i]);
                if (difference is null) continue;
                if (DifferenceAfterDenan(BinaryenGenerator.Denan(cases[i].Module, work), work) is null)
                {
                    statistics.NaNOnly++;
                    continue;
                }
            }
            var saved = cases[i].SaveAs is { } name ? " saved as " + s_regressions.Save(name, cases[i].Module) : "";
            failures.Add($"{cases[i].Label}: {difference}{saved}");
        }
        return failures;
    }

    private static string? DifferenceAfterDenan(byte[] module, string work)
    {
        var file = Path.Combine(work, "denanned.wasm");
        File.WriteAllBytes(file, module);
        var plan = CallPlan.For(module);
        var v8 = NodeHost.Run([(file, plan)])[0];
        return Difference(Observe(() => EngineHost.Run(module, plan)), Observe(() => WasmtimeHost.Run(module, plan)), v8);
    }

    private static string? Difference(List<string> ours, List<string> wasmtime, List<string> v8) =>
        ExecutionTrace.FirstDifference(ours, wasmtime, "ours", "wasmtime") ?? ExecutionTrace.FirstDifference(ours, v8, "ours", "v8");

    /// <summary>The host's trace; an exception that is not a trap ends it with an <c>error</c> line no other host writes.</summary>
    private static List<string> Observe(Func<List<string>> run)
    {
        try
        {
            return run();
        }
        catch (Exception e)
        {
            return [$"error {e.GetType().Name}: {e.Message}"];
        }
    }
}
