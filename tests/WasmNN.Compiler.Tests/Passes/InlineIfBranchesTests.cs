using Google.Protobuf;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Frontend;
using WasmNN.Compiler.Tests.Lowering;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// InlineIfBranches on <see cref="OnnxImporterSubgraphTests.IfModel"/> (then x * 2, else -x): a constant condition
/// keeps only the taken branch; a run-time one runs both and selects with Where, checked on the compiled module
/// against the reference executor running the If itself.
/// </summary>
public sealed class InlineIfBranchesTests
{
    private static Graph Import() => OnnxImporter.Import(new MemoryStream(OnnxImporterSubgraphTests.IfModel().ToByteArray()), "if.onnx");

    private static Graph WithConstantCondition(bool condition)
    {
        var graph = Import();
        var cond = graph.Inputs[0];
        graph.Inputs.RemoveAt(0);
        cond.Constant = new Tensor(DataType.Bool, [], new[] { condition });
        graph.Initializers.Add(cond);
        return graph;
    }

    [Fact]
    public void Run_ConstantTrueCondition_ThenBranchInlinedUnderTheIfsOutputName()
    {
        GoldenIr.Check("InlineIfBranches.ConstantCondition", WithConstantCondition(true), new InlineIfBranches());
    }

    [Fact]
    public void Run_RunTimeCondition_BothBranchesAndAWhere()
    {
        GoldenIr.Check("InlineIfBranches.RunTimeCondition", Import(), new InlineIfBranches());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Compile_RunTimeCondition_MatchesReferenceExecutorRunningTheIf(bool condition)
    {
        Tensor[] inputs = [new Tensor(DataType.Bool, [], new[] { condition }), Tensor.FromFloats([3], [1f, -2f, 3f])];
        var expected = new ReferenceExecutor().Execute(Import(), inputs)[0];

        using var executor = new WasmExecutor();
        var actual = executor.Execute(Import(), inputs)[0];

        ModelEndToEndTests.AssertClose($"If({condition})", expected.AsFloat32(), actual.AsFloat32());
    }

    [Fact]
    public void Run_RunTimeConditionWithBranchShapesDiffering_ErrorNamesTheIfAndBothShapes()
    {
        var graph = Import();
        // The else branch now gives [1, 3]: no single shape to select into.
        var branch = graph.Nodes[0].GetAttributes<IfAttributes>().ElseBranch;
        var reshaped = branch.AddNode("Reshape", [branch.Outputs[0], branch.AddConstant("to", Tensor.FromInt64s([2], [1, 3]))], ["else_2d"]).Outputs[0]!;
        branch.Outputs[0] = reshaped;

        var error = Assert.Throws<UnsupportedOperatorException>(() => new InlineIfBranches().Run(graph));

        Assert.Contains("node 'If_0' (If, opset 16): the condition 'cond' is computed at run time", error.Message, StringComparison.Ordinal);
        Assert.Contains("as Float32 3 and Float32 1x3", error.Message, StringComparison.Ordinal);
    }
}
