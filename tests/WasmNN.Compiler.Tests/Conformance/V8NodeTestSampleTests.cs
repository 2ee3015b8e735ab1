using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Lowering;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Conformance;

/// <summary>
/// A fixed sample of the ONNX node tests (every fourth by name) compiled to wasm and run on Node's V8 instead of our
/// engine: the modules must be right on an independent engine too, not only on the one they were tuned on.
/// </summary>
public sealed class V8NodeTestSampleTests(ITestOutputHelper output)
{
    private const int SampleStride = 4;

    [Fact]
    public void RunSample_OnV8_EverySupportedTestPasses()
    {
        Assert.True(Directory.Exists(OnnxNodeTestRunner.DebianNodeTestDirectory), "install libonnx-testdata (scripts/test.sh does)");
        Assert.True(NodeRunner.IsAvailable, "install nodejs (scripts/test.sh does)");
        var runner = new OnnxNodeTestRunner(new V8GraphExecutor(), new NodeTestOptions(Passes: new PassOptions(), Excluded: NodeTestDataDefects.Reasons));
        var sample = Directory.GetDirectories(OnnxNodeTestRunner.DebianNodeTestDirectory, "test_*")
            .Order(StringComparer.Ordinal).Where((_, i) => i % SampleStride == 0).ToList();

        var results = sample.Select(runner.RunTest).ToList();

        var passed = results.Count(r => r.Outcome == NodeTestOutcome.Passed);
        var failed = results.Where(r => r.Outcome == NodeTestOutcome.Failed).ToList();
        output.WriteLine($"{sample.Count} sampled: {passed} passed on V8, {failed.Count} failed");
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(r => $"{r.Name}: {r.Message}")));
        Assert.True(passed >= 100, $"only {passed} of the {sample.Count} sampled node tests ran on V8");
    }
}
