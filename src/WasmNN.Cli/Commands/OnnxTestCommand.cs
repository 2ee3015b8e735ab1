using System.CommandLine;
using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn onnxtest [DIR]</c>: the ONNX backend node tests compiled to wasm and run on our engine (rtol 1e-4,
/// atol 1e-5). The last line is "N passed, M failed, K unsupported".
/// </summary>
internal static class OnnxTestCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("dir")
        {
            Description = "Folder of test_* node tests",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => OnnxNodeTestRunner.DebianNodeTestDirectory,
        };
        var verbose = new Option<bool>("--verbose") { Description = "Also list unsupported tests with the reason" };
        var command = new Command("onnxtest", "Run the ONNX node tests through the wasm compiler on our engine") { directory, verbose };
        command.SetAction(r => Run(r.GetValue(directory)!, r.GetValue(verbose)));
        return command;
    }

    private static int Run(string directory, bool verbose)
    {
        if (!Directory.Exists(directory))
        {
            return Report.Error(ExitCodes.Usage, $"no such folder: {directory} (install libonnx-testdata)");
        }
        using var executor = new WasmExecutor();
        var runner = new OnnxNodeTestRunner(executor, new NodeTestOptions(Passes: new PassOptions(), Excluded: WasmNodeTestExclusions.Reasons));
        var summary = runner.RunAll(directory);
        foreach (var result in summary.Results.Where(r => r.Outcome == NodeTestOutcome.Failed || (verbose && r.Outcome != NodeTestOutcome.Passed)))
        {
            Console.WriteLine($"{result.Outcome.ToString().ToLowerInvariant()}: {result.Name}: {result.Message}");
        }
        Console.WriteLine($"{summary.Passed} passed, {summary.Failed} failed, {summary.Unsupported + summary.Excluded} unsupported");
        return summary.Failed == 0 ? 0 : 1;
    }
}
