using System.CommandLine;
using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn onnxtest [DIR]</c>: the ONNX backend tests compiled to wasm and run on our engine (rtol 1e-4, atol
/// 1e-5). DIR is one set (a folder of <c>test_*</c> folders) or a folder of sets (default: every set Debian's
/// libonnx-testdata installs); each set gets a line "SET: N passed, M failed, K unsupported", and the last line is
/// the total in the same form.
/// </summary>
internal static class OnnxTestCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("dir")
        {
            Description = "A folder of test_* ONNX tests, or a folder of such sets",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => OnnxNodeTestRunner.DebianTestDataDirectory,
        };
        var verbose = new Option<bool>("--verbose") { Description = "Also list unsupported tests with the reason" };
        var command = new Command("onnxtest", "Run the ONNX backend tests through the wasm compiler on our engine") { directory, verbose };
        command.SetAction(r => Run(r.GetValue(directory)!, r.GetValue(verbose)));
        return command;
    }

    private static int Run(string directory, bool verbose)
    {
        if (!Directory.Exists(directory))
        {
            return Report.Error(ExitCodes.Usage, $"no such folder: {directory} (install libonnx-testdata)");
        }
        var (sets, downloadOnly) = OnnxNodeTestRunner.FindTestSets(directory);
        if (sets.Count == 0)
        {
            return Report.Error(ExitCodes.Usage, $"{directory} holds no test_* folders with a model.onnx and no sets of them");
        }
        foreach (var set in downloadOnly)
        {
            Console.WriteLine($"{Path.GetFileName(set)}: skipped, its tests hold only a download link (no model.onnx; this machine has no network)");
        }
        using var executor = new WasmExecutor();
        var runner = new OnnxNodeTestRunner(executor, new NodeTestOptions(Passes: new PassOptions(), Excluded: WasmNodeTestExclusions.Reasons));
        int passed = 0, failed = 0, unsupported = 0;
        foreach (var set in sets)
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(set));
            var summary = runner.RunAll(set);
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
        return failed == 0 ? 0 : 1;
    }

    private static string Line(int passed, int failed, int unsupported) => $"{passed} passed, {failed} failed, {unsupported} unsupported";
}
