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
