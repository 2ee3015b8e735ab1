using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
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

    [Fact]
    public void Run_GroupedConvTransposeThenBiasAddThenBatchNorm_SingleConvTransposeComputingTheSameValues()
    {
        // paddle2onnx's shape: ConvTranspose without bias, Add of a [M,1,1] constant, BatchNormalization.
        var graph = () =>
        {
            var g = new Graph("deconv_add_bn", 13);
            var x = new Value("x", DataType.Float32, [1, 4, 3, 3]);
            g.Inputs.Add(x);
            var w = g.AddConstant("w", PassTestGraphs.Random([4, 3, 2, 2], 1));
            var deconv = g.AddNode("ConvTranspose", [x, w], ["d"], new AttributeBag(("strides", new long[] { 2, 2 }), ("group", 2L)));
            var bias = g.AddConstant("bias", Tensor.FromFloats([6, 1, 1], [0.5f, -1f, 2f, 0.25f, 1f, -0.5f]));
            var add = g.AddNode("Add", [deconv.Outputs[0], bias], ["a"]);
            var scale = g.AddConstant("scale", Tensor.FromFloats([6], [1.5f, 0.5f, -2f, 1f, 3f, -1f]));
            var beta = g.AddConstant("beta", Tensor.FromFloats([6], [0.1f, -0.2f, 0.3f, 0f, 1f, 2f]));
            var mean = g.AddConstant("mean", Tensor.FromFloats([6], [0.05f, 0.5f, -0.25f, 1f, 0f, -1f]));
            var variance = g.AddConstant("var", Tensor.FromFloats([6], [0.9f, 2f, 0.3f, 1f, 0.5f, 4f]));
            g.Outputs.Add(g.AddNode("BatchNormalization", [add.Outputs[0], scale, beta, mean, variance], ["y"]).Outputs[0]!);
            return g;
        };
        var input = PassTestGraphs.Random([1, 4, 3, 3], 7);
        var expected = new ReferenceExecutor().Execute(graph(), [input])[0].AsFloat32();
        var folded = graph();

        Assert.True(new FoldBatchNormIntoConv().Run(folded));
        Verifier.Verify(folded);

        Assert.Equal("ConvTranspose", Assert.Single(folded.Nodes).OpType);
        var actual = new ReferenceExecutor().Execute(folded, [input])[0].AsFloat32();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }
}
