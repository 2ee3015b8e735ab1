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

    [Theory]
    [InlineData("node", "test_sequence_insert_at_front", "test_identity_sequence", "test_optional_has_element_empty", "test_optional_get_element_sequence",
        "test_sequence_map_add_1_sequence_1_tensor", "test_sequence_map_identity_2_sequences_expanded")]
    [InlineData("simple", "test_sequence_model1", "test_sequence_model5", "test_sequence_model7", "test_sequence_model8")]
    public void RunTest_SequencesAndOptionals_PassWithEachElementAModuleInputOrOutput(string folder, params string[] tests)
    {
        // Sequence and optional inputs and outputs are SequenceProto/OptionalProto files; the module takes and gives
        // one tensor per element (docs/ABI.md). The expected outputs are the ONNX test data's.
        var root = Path.Combine(Path.GetDirectoryName(OnnxNodeTestRunner.DebianNodeTestDirectory)!, folder);
        using var executor = new WasmExecutor();
        var runner = new OnnxNodeTestRunner(executor, new NodeTestOptions(Passes: new PassOptions(Verify: true)));

        Assert.All(tests, name => Assert.Equal(new NodeTestResult(name, NodeTestOutcome.Passed, null), runner.RunTest(Path.Combine(root, name))));
    }

    [Theory]
    [InlineData("pytorch-converted", "test_PReLU_2d_multiparam", "test_BatchNorm2d_eval", "test_Linear", "test_Conv3d_dilated_strided", "test_Conv3d_groups", "test_MaxPool3d_stride_padding", "test_AvgPool3d_stride")]
    [InlineData("pytorch-operator", "test_operator_addmm", "test_operator_mm")]
    public void RunAll_PyTorchExportedTests_PassIncludingOpset6And3DOperators(string folder, params string[] mustPass)
    {
        // Exported by PyTorch at opset 6 (PRelu's per-channel slope, BatchNormalization's is_test, Gemm's broadcast);
        // 3-D Conv/MaxPool/AvgPool; the expected outputs are PyTorch's.
        var root = Path.Combine(Path.GetDirectoryName(OnnxNodeTestRunner.DebianNodeTestDirectory)!, folder);
        using var executor = new WasmExecutor();
        var runner = new OnnxNodeTestRunner(executor, new NodeTestOptions(Passes: new PassOptions(Verify: true)));

        var summary = runner.RunAll(root);

        output.WriteLine(summary.ToString());
        Assert.True(summary.Failed == 0, string.Join("\n", summary.Results.Where(r => r.Outcome == NodeTestOutcome.Failed).Select(r => $"{r.Name}: {r.Message}")));
        Assert.All(mustPass, name => Assert.Equal(NodeTestOutcome.Passed, summary.Results.Single(r => r.Name == name).Outcome));
    }
}
