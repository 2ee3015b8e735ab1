using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class EliminateIdentitiesTests
{
    [Fact]
    public void Run_IdentityAndDropoutChain_RemovedAndOutputKeepsName()
    {
        // Before: r = Relu(x); d = Dropout(r); out = Identity(d)
        var g = new Graph("ids", 13);
        var x = new Value("x", DataType.Float32, [4]);
        g.Inputs.Add(x);
        var relu = g.AddNode("Relu", [x], ["r"]);
        var dropout = g.AddNode("Dropout", [relu.Outputs[0]], ["d"]);
        var identity = g.AddNode("Identity", [dropout.Outputs[0]], ["out"]);
        g.Outputs.Add(identity.Outputs[0]!);

        Assert.True(new EliminateIdentities().Run(g));
        Verifier.Verify(g);

        Assert.Same(relu, Assert.Single(g.Nodes));
        Assert.Same(relu.Outputs[0], g.Outputs[0]);
        Assert.Equal("out", g.Outputs[0].Name);
    }

    [Fact]
    public void Run_DropoutMaskIsAnOutput_MaskBecomesAllTrueConstantAndDropoutGoes()
    {
        // Inference Dropout keeps every element (ONNX Dropout: the mask is all true when training_mode is false).
        var g = new Graph("mask", 13);
        var x = new Value("x", DataType.Float32, [2, 3]);
        g.Inputs.Add(x);
        var relu = g.AddNode("Relu", [x], ["r"]);
        var dropout = g.AddNode("Dropout", [relu.Outputs[0]], ["d", "mask"]);
        g.Outputs.Add(dropout.Outputs[0]!);
        g.Outputs.Add(dropout.Outputs[1]!);

        Assert.True(new EliminateIdentities().Run(g));
        Verifier.Verify(g);

        Assert.Same(relu, Assert.Single(g.Nodes));
        var mask = g.Outputs[1];
        Assert.Equal("mask", mask.Name);
        Assert.Equal([2, 3], mask.Shape!);
        Assert.Equal(Enumerable.Repeat(true, 6), (bool[])mask.Constant!.Data);
    }

    [Fact]
    public void Run_IdentityFromGraphInputToOutput_Kept()
    {
        var g = new Graph("copy", 13);
        var x = new Value("x", DataType.Float32, [4]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Identity", [x], ["y"]).Outputs[0]!);

        Assert.False(new EliminateIdentities().Run(g));
        Assert.Equal("x", x.Name);
    }
}
