using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FuseElementwiseTests
{
    /// <summary>y = Relu(Add(residual, Conv(x))), optionally also exposing the Conv output.</summary>
    private static Graph ConvAddRelu(bool exposeConv)
    {
        var g = new Graph("fuse", 13);
        var x = new Value("x", DataType.Float32, [1, 2, 4, 4]);
        var residual = new Value("residual", DataType.Float32, [1, 3, 4, 4]);
        g.Inputs.AddRange([x, residual]);
        var conv = g.AddNode("Conv", [x, g.AddConstant("w", PassTestGraphs.Random([3, 2, 1, 1], 3))], ["c"]);
        var add = g.AddNode("Add", [residual, conv.Outputs[0]], ["s"]);
        var relu = g.AddNode("Relu", [add.Outputs[0]], ["y"]);
        g.Outputs.Add(relu.Outputs[0]!);
        if (exposeConv)
        {
            g.Outputs.Add(conv.Outputs[0]!);
        }
        return g;
    }

    [Fact]
    public void Run_ConvAddRelu_OneNodeWithAddAndReluEpilogue()
    {
        var inputs = new[] { PassTestGraphs.Random([1, 2, 4, 4], 1), PassTestGraphs.Random([1, 3, 4, 4], 2) };
        var expected = new ReferenceExecutor().Execute(ConvAddRelu(false), inputs)[0].AsFloat32();
        var g = ConvAddRelu(false);

        Assert.True(new FuseElementwise().Run(g));
        Verifier.Verify(g);

        var node = Assert.Single(g.Nodes);
        Assert.Equal("Conv", node.OpType);
        Assert.Equal(["Add", "Relu"], node.Epilogue.Select(s => s.Operator.OpType));
        Assert.Equal(1, node.Epilogue[0].AccumulatorIndex);
        Assert.Equal("residual", node.Epilogue[0].Operands[0]!.Name);
        Assert.Equal("y", node.Outputs[0]!.Name);
        Assert.Equal(expected, new ReferenceExecutor().Execute(g, inputs)[0].AsFloat32());
    }

    [Fact]
    public void Run_AnchorOutputIsAlsoGraphOutput_NotFused()
    {
        var g = ConvAddRelu(true);

        new FuseElementwise().Run(g);

        Assert.Equal(["Conv", "Add"], g.Nodes.Select(n => n.OpType));
        Assert.Equal(["Relu"], g.Nodes[1].Epilogue.Select(s => s.Operator.OpType));
    }

    [Fact]
    public void Run_ConsumerThatBroadcastsToLargerShape_NotFused()
    {
        var g = new Graph("grow", 13);
        var x = new Value("x", DataType.Float32, [1, 4]);
        var wide = new Value("wide", DataType.Float32, [3, 4]);
        g.Inputs.AddRange([x, wide]);
        var relu = g.AddNode("Relu", [x], ["r"]);
        g.Outputs.Add(g.AddNode("Mul", [relu.Outputs[0], wide], ["y"]).Outputs[0]!);

        Assert.False(new FuseElementwise().Run(g));
        Assert.Equal(2, g.Nodes.Count);
    }

    /// <summary>Attention-mask shape: scores = Where(mask, scores, -inf) feeding Add, or Add feeding Where.</summary>
    private static Graph MaskedScores(bool whereFirst)
    {
        var g = new Graph("mask", 14);
        var mask = new Value("mask", DataType.Bool, [2, 4]);
        var scores = new Value("scores", DataType.Float32, [2, 4]);
        var bias = new Value("bias", DataType.Float32, [2, 4]);
        g.Inputs.AddRange([mask, scores, bias]);
        var fill = g.AddConstant("fill", PassTestGraphs.Random([1], 5));
        if (whereFirst)
        {
            var where = g.AddNode("Where", [mask, scores, fill], ["masked"]);
            g.Outputs.Add(g.AddNode("Add", [where.Outputs[0], bias], ["y"]).Outputs[0]!);
        }
        else
        {
            var add = g.AddNode("Add", [scores, bias], ["sum"]);
            g.Outputs.Add(g.AddNode("Where", [mask, add.Outputs[0], fill], ["y"]).Outputs[0]!);
        }
        return g;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_ChainWithBoolOperand_NotFused(bool whereFirst)
    {
        // Epilogues compute in float32 registers: a Where reading a bool mask can neither anchor nor join a chain.
        var g = MaskedScores(whereFirst);

        Assert.False(new FuseElementwise().Run(g));
        Assert.Equal(2, g.Nodes.Count);
        Assert.All(g.Nodes, n => Assert.Empty(n.Epilogue));
    }
}
