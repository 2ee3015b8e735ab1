using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FoldBatchNormIntoConvTests
{
    [Fact]
    public void Run_ConvThenBatchNorm_SingleConvComputingTheSameValues()
    {
        var input = PassTestGraphs.Random([1, 2, 5, 5], 7);
        var expected = new ReferenceExecutor().Execute(PassTestGraphs.ConvBatchNorm(), [input])[0].AsFloat32();
        var g = PassTestGraphs.ConvBatchNorm();

        Assert.True(new FoldBatchNormIntoConv().Run(g));
        Verifier.Verify(g);

        var conv = Assert.Single(g.Nodes);
        Assert.Equal("Conv", conv.OpType);
        Assert.Equal("y", conv.Outputs[0]!.Name);
        Assert.DoesNotContain(g.Initializers, v => v.Name is "scale" or "mean" or "w");
        var actual = new ReferenceExecutor().Execute(g, [input])[0].AsFloat32();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    [Fact]
    public void Run_ConvOutputAlsoUsedElsewhere_Untouched()
    {
        var g = PassTestGraphs.ConvBatchNorm();
        g.Outputs.Add(g.Nodes[0].Outputs[0]!);

        Assert.False(new FoldBatchNormIntoConv().Run(g));
        Assert.Equal(["Conv", "BatchNormalization"], g.Nodes.Select(n => n.OpType));
    }
}
