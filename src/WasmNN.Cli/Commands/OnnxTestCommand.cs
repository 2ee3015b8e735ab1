using System.CommandLine;
using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn onnxtest [--host engine|node[=PATH]] [--every K] [DIR]</c>: the ONNX backend tests compiled to wasm and
/// run on our engine, or on Node's V8 through the npm package's loader (rtol 1e-4, atol 1e-5 either way). DIR is one
/// set (a folder of <c>test_*</c> folders) or a folder of sets (default: every set Debian's libonnx-testdata
/// installs); each set gets a line "SET: N passed, M failed, K unsupported", and the last line is the total in the
/// same form. <c>--every K</c> runs every K-th test of each set by name: a deterministic sample.
/// </summary>
internal static class OnnxTestCommand
{
    private const string NodeHostScript = "node-host.mjs";

    public static Command Create()
    {
        var directory = new Argument<string>("dir")
        {
            Description = "A folder of test_* ONNX tests, or a folder of such sets",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => OnnxNodeTestRunner.DebianTestDataDirectory,
        };
        var verbose = new Option<bool>("--verbose") { Description = "Also list unsupported tests with the reason" };
        var host = new Option<string>("--host")
        {
            Description = "Where the compiled modules run: 'engine' (ours, the default) or 'node' (Node's V8 through the npm package's loader; node=PATH names the executable, else node on PATH)",
            DefaultValueFactory = _ => "engine",
        };
        var every = new Option<int>("--every")
        {
            Description = "Run only every K-th test of each set (sorted by name, the first included): a deterministic sample",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("onnxtest", "Run the ONNX backend tests through the wasm compiler on our engine or on Node") { directory, verbose, host, every };
        command.SetAction(r => Run(r.GetValue(directory)!, r.GetValue(verbose), r.GetValue(host)!, r.GetValue(every)));
        return command;
    }

    private static int Run(string directory, bool verbose, string host, int every)
    {
        if (every < 1)
        {
            return Report.Error(ExitCodes.Usage, $"--every takes a positive count, got {every}");
        }
        if (!Directory.Exists(directory))
        {
            return Report.Error(ExitCodes.Usage, $"no such folder: {directory} (install libonnx-testdata)");
        }
        var (sets, downloadOnly) = OnnxNodeTestRunner.FindTestSets(directory);
        if (sets.Count == 0)
        {
            return Report.Error(ExitCodes.Usage, $"{directory} holds no test_* folders with a model.onnx and no sets of them");
        }
        if (ParseHost(host, out var nodePath) is { } hostError)
        {
            return Report.Error(ExitCodes.Usage, hostError);
        }
        // The loader and host script go to a folder of their own for the run, removed after it.
        var hostFolder = nodePath is null ? null : Directory.CreateTempSubdirectory("wasmnn-onnxtest-host-");
        try
        {
            using CompiledGraphExecutor executor = nodePath is null
                ? new WasmExecutor()
                : new NodeHostExecutor(nodePath, WebLoader.WriteHost(hostFolder!.FullName, NodeHostScript));
            foreach (var set in downloadOnly)
            {
                Console.WriteLine($"{Path.GetFileName(set)}: skipped, its tests hold only a download link (no model.onnx; this machine has no network)");
            }
            return RunSets(sets, new OnnxNodeTestRunner(executor, new NodeTestOptions(Passes: new PassOptions(), Excluded: WasmNodeTestExclusions.Reasons)), verbose, every);
        }
        finally
        {
            hostFolder?.Delete(recursive: true);
        }
    }

    private static int RunSets(IReadOnlyList<string> sets, OnnxNodeTestRunner runner, bool verbose, int every)
    {
        int passed = 0, failed = 0, unsupported = 0;
        foreach (var set in sets)
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(set));
            var tests = Directory.GetDirectories(set, "test_*").Order(StringComparer.Ordinal).Where((_, i) => i % every == 0);
            var summary = new NodeTestSummary([.. tests.Select(runner.RunTest)]);
            foreach (var result in summary.Results.Where(r => r.Outcome == NodeTestOutcome.Failed || (verbose && r.Outcome != NodeTestOutcome.Passed)))
            {
                Console.WriteLine($"{result.Outcome.ToString().ToLowerInvariant()}: {(sets.Count > 1 ? name + "/" : "")}{result.Name}: {result.Message}");
            }
            if (sets.Count > 1)
            {
                Console.WriteLine($"{name}: {Line(summary.Passed, summary.Failed, summary.Unsupported + summary.Excluded)}");
            }
            passed += summary.Passed;
            failed += summary.Failed;
            unsupported += summary.Unsupported + summary.Excluded;
        }
        Console.WriteLine(Line(passed, failed, unsupported));
        return failed == 0 ? ExitCodes.Success : ExitCodes.Invalid;
    }

    /// <summary>Reads --host: null for our engine, else the Node executable in <paramref name="nodePath"/>; returns the error, if any.</summary>
    private static string? ParseHost(string host, out string? nodePath)
    {
        nodePath = null;
        if (host == "engine")
        {
            return null;
        }
        if (host != "node" && !host.StartsWith("node=", StringComparison.Ordinal))
        {
            return $"--host takes 'engine', 'node' or 'node=PATH', got '{host}'";
        }
        var path = host == "node" ? FindOnPath("node") : host["node=".Length..];
        if (path is null || !File.Exists(path))
        {
            return path is null ? "--host node: no node executable on PATH (install nodejs or give node=PATH)" : $"--host {host}: no such file";
        }
        nodePath = path;
        return null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    private static string Line(int passed, int failed, int unsupported) => $"{passed} passed, {failed} failed, {unsupported} unsupported";
}
