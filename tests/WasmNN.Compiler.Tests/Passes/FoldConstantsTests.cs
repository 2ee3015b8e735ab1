using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FoldConstantsTests
{
    [Fact]
    public void Run_ExporterShapeChain_CollapsesToReshapeWithConstantTarget()
    {
        var g = PassTestGraphs.ShapeChain();
        var y = g.Outputs[0];
        Assert.Equal([-1, -1], y.Shape!);

        new FoldConstants().Run(g);
        new EliminateDeadNodes().Run(g);
        Verifier.Verify(g);

        var reshape = Assert.Single(g.Nodes);
        Assert.Equal("Reshape", reshape.OpType);
        Assert.Equal([2L, -1L], reshape.Inputs[1]!.Constant!.ToInt64Array());
        Assert.Equal([2, 12], y.Shape!);
        Assert.Equal(["t"], g.Initializers.Select(v => v.Name));
    }

    [Fact]
    public void Run_AllConstantArithmetic_ReplacedByItsValue()
    {
        var g = new Graph("arith", 13);
        var a = g.AddConstant("a", Tensor.FromFloats([2], [1f, 2f]));
        var b = g.AddConstant("b", Tensor.FromFloats([2], [3f, 5f]));
        var sum = g.AddNode("Add", [a, b], ["sum"]).Outputs[0]!;
        var x = new Value("x", DataType.Float32, [2]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Mul", [x, sum], ["y"]).Outputs[0]!);

        var changed = new FoldConstants().Run(g);

        Assert.True(changed);
        Assert.Equal("Mul", Assert.Single(g.Nodes).OpType);
        Assert.Equal([4f, 7f], sum.Constant!.AsFloat32());
        var result = new ReferenceExecutor().Execute(g, [Tensor.FromFloats([2], [2f, 3f])])[0];
        Assert.Equal([8f, 21f], result.AsFloat32());
    }

    [Fact]
    public void Run_NodeWithRuntimeInput_Untouched()
    {
        var g = new Graph("runtime", 13);
        var x = new Value("x", DataType.Float32, [3]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Relu", [x], ["y"]).Outputs[0]!);

        Assert.False(new FoldConstants().Run(g));
        Assert.Single(g.Nodes);
    }

    [Fact]
    public void Run_TriluOfConstantOnes_FoldsTheCausalMask()
    {
        // torch.triu(torch.ones(3, 3), diagonal=1): the future positions of a causal mask.
        var g = new Graph("causal", 14);
        var ones = g.AddConstant("ones", Tensor.FromFloats([3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1]));
        var k = g.AddConstant("k", Tensor.FromInt64s([], [1]));
        var mask = g.AddNode("Trilu", [ones, k], ["mask"]).Outputs[0]!;
        var x = new Value("x", DataType.Float32, [3, 3]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Mul", [x, mask], ["y"]).Outputs[0]!);

        Assert.True(new FoldConstants().Run(g));

        Assert.Equal("Mul", Assert.Single(g.Nodes).OpType);
        Assert.Equal([0f, 1, 1, 0, 0, 1, 0, 0, 0], mask.Constant!.AsFloat32());
    }
}
