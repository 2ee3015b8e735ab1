using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Passes;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Conformance;

/// <summary>The ONNX backend node tests (Debian libonnx-testdata) on the reference executor.</summary>
public sealed class OnnxNodeTestRunnerTests(ITestOutputHelper output)
{
    /// <summary>Node tests of claimed operators that are skipped on purpose, with the reason.</summary>
    internal static readonly Dictionary<string, string> s_excluded = new Dictionary<string, string>
    {
        // The *_expanded window-function graphs (Range, Cast, Mul, Cos, ...) are compared with the output of the
        // un-expanded function, computed differently; they differ by up to 1.4e-4 relative, above our tolerance.
        // The window operators' own tests have the same defect (NodeTestDataDefects).
        ["test_blackmanwindow_expanded"] = "expected data from the un-expanded function; 1.4e-4 relative difference",
        ["test_blackmanwindow_symmetric_expanded"] = "expected data from the un-expanded function; 1.4e-4 relative difference",
        ["test_hammingwindow_expanded"] = "expected data from the un-expanded function; 1.4e-4 relative difference",
        ["test_hammingwindow_symmetric_expanded"] = "expected data from the un-expanded function; 1.4e-4 relative difference",
        ["test_hannwindow_expanded"] = "expected data from the un-expanded function; 1.4e-4 relative difference",
        ["test_hannwindow_symmetric_expanded"] = "expected data from the un-expanded function; 1.4e-4 relative difference",
    }.Concat(NodeTestDataDefects.Reasons).ToDictionary();

    [Fact]
    public void RunAll_ReferenceExecutor_EveryClaimedOperatorTestPasses()
    {
        Assert.True(Directory.Exists(OnnxNodeTestRunner.DebianNodeTestDirectory), "install libonnx-testdata (scripts/test.sh does)");
        var runner = new OnnxNodeTestRunner(new ReferenceExecutor(), new NodeTestOptions(Passes: new PassOptions(Verify: true), Excluded: s_excluded));

        var summary = runner.RunAll(OnnxNodeTestRunner.DebianNodeTestDirectory);

        output.WriteLine(summary.ToString());
        foreach (var result in summary.Results.Where(r => r.Outcome != NodeTestOutcome.Passed))
        {
            output.WriteLine($"{result.Outcome,-11} {result.Name}: {result.Message}");
        }
        Assert.True(summary.Failed == 0, string.Join("\n", summary.Results.Where(r => r.Outcome == NodeTestOutcome.Failed).Select(r => $"{r.Name}: {r.Message}")));
        Assert.True(summary.Passed > 300, summary.ToString());
    }
}
