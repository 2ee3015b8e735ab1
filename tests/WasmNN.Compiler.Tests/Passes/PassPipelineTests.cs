using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class PassPipelineTests
{
    /// <summary>A deliberately broken pass: reverses the node order, so readers come before their producers.</summary>
    private sealed class ReverseNodes : IGraphPass
    {
        public bool Run(Graph graph)
        {
            graph.Nodes.Reverse();
            return true;
        }
    }

    private static Graph TwoRelus() => PassTestGraphs.TwoRelus();

    [Fact]
    public void Run_VerifyAfterBrokenPass_ErrorNamesThePassOnOneLine()
    {
        var error = Assert.Throws<GraphException>(() =>
            PassPipeline.Run(TwoRelus(), [new EliminateDeadNodes(), new ReverseNodes()], new PassOptions(Verify: true)));

        Assert.StartsWith("graph 'two' is invalid after ReverseNodes: ", error.Message);
        Assert.Contains("input 'a' is not defined before the node", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Run_NoVerify_BrokenPassGoesUnnoticed()
    {
        var g = TwoRelus();

        PassPipeline.Run(g, [new ReverseNodes()], new PassOptions(Verify: false));

        Assert.NotEmpty(Verifier.FindProblems(g));
    }

    [Fact]
    public void Run_DumpAfterOnePass_PrintsEachRunOfThatPassOnly()
    {
        var output = new StringWriter();

        PassPipeline.Run(TwoRelus(), new PassOptions(Verify: true) { Dump = new IrDump("infershapes", output) });

        var headers = output.ToString().Split('\n').Where(l => l.StartsWith(';')).ToArray();
        Assert.Equal(["; after InferShapes (pass 1 of 16)", "; after InferShapes (pass 16 of 16)"], headers);
        Assert.Contains("node Relu_1 = Relu(%a) -> %b: float32[3]\n", output.ToString());
    }

    [Fact]
    public void Run_DumpAll_PrintsImportAndEveryPass()
    {
        var output = new StringWriter();

        PassPipeline.Run(TwoRelus(), new PassOptions { Dump = new IrDump(IrDump.All, output) });

        Assert.Equal(1 + PassPipeline.Passes(new PassOptions()).Count, output.ToString().Split('\n').Count(l => l.StartsWith("; after ", StringComparison.Ordinal)));
        Assert.StartsWith("; after import\ngraph two (opset 13)\n", output.ToString());
    }

    [Fact]
    public void Run_DumpUnknownPass_ArgumentErrorListingTheNames()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            PassPipeline.Run(TwoRelus(), new PassOptions { Dump = new IrDump("FoldEverything", TextWriter.Null) }));

        Assert.Contains("'FoldEverything'", error.Message);
        Assert.Contains("FoldBatchNormIntoConv", error.Message);
    }

    [Fact]
    public void StageNames_EveryPassOnceBetweenImportAndAll()
    {
        Assert.Equal(
            ["import", "InferShapes", "EliminateIdentities", "ExpandOperators", "FuseQuantizedOperators", "FoldConstants", "ResolveSequences", "InlineIfBranches", "UnrollLoops", "LowerEinsum", "FoldBatchNormIntoConv", "FuseLayerNormalization", "FuseGelu", "EliminateDeadNodes", "FuseElementwise", "all"],
            PassPipeline.StageNames);
    }
}
