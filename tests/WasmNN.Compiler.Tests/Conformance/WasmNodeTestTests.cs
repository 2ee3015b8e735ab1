using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Conformance;

/// <summary>The ONNX backend node tests compiled to wasm and run on our engine, against the tests' expected outputs.</summary>
public sealed class WasmNodeTestTests(ITestOutputHelper output)
{
    [Fact]
    public void RunAll_WasmExecutor_EveryClaimedOperatorTestPasses()
    {
        Assert.True(Directory.Exists(OnnxNodeTestRunner.DebianNodeTestDirectory), "install libonnx-testdata (scripts/test.sh does)");
        using var executor = new WasmExecutor();
        var runner = new OnnxNodeTestRunner(executor, new NodeTestOptions(Passes: new PassOptions(Verify: true), Excluded: WasmNodeTestExclusions.Reasons));

        var summary = runner.RunAll(OnnxNodeTestRunner.DebianNodeTestDirectory);

        output.WriteLine(summary.ToString());
        foreach (var result in summary.Results.Where(r => r.Outcome != NodeTestOutcome.Passed))
        {
            output.WriteLine($"{result.Outcome} {result.Name}: {result.Message}");
        }
        Assert.True(summary.Failed == 0, string.Join("\n", summary.Results.Where(r => r.Outcome == NodeTestOutcome.Failed).Select(r => $"{r.Name}: {r.Message}")));
        Assert.True(summary.Passed > 150, summary.ToString());
    }
}
