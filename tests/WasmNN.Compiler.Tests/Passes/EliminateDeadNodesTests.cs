using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class EliminateDeadNodesTests
{
    [Fact]
    public void Run_UnusedBranchConstantAndIndices_Removed()
    {
        // Before: y = MaxPool(x) (with Indices), dead = Exp(x), unused constant c.
        var g = new Graph("dead", 13);
        var x = new Value("x", DataType.Float32, [1, 1, 4, 4]);
        g.Inputs.Add(x);
        g.AddConstant("c", Tensor.Scalar(1f));
        var pool = g.AddNode("MaxPool", [x], ["y", "indices"], new AttributeBag(("kernel_shape", new long[] { 2, 2 })));
        g.AddNode("Exp", [x], ["dead"]);
        g.Outputs.Add(pool.Outputs[0]!);

        Assert.True(new EliminateDeadNodes().Run(g));
        Verifier.Verify(g);

        Assert.Same(pool, Assert.Single(g.Nodes));
        Assert.Null(pool.Outputs[1]);
        Assert.Empty(g.Initializers);
    }
}
