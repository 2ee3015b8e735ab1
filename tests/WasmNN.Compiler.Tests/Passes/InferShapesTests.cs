using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class InferShapesTests
{
    [Fact]
    public void Run_ReshapeTargetBecomesConstant_DownstreamShapesRefined()
    {
        var g = new Graph("refine", 13);
        var x = new Value("x", DataType.Float32, [2, 6]);
        var target = new Value("target", DataType.Int64, [2]);
        g.Inputs.AddRange([x]);
        var reshape = g.AddNode("Reshape", [x, target], ["r"]);
        var relu = g.AddNode("Relu", [reshape.Outputs[0]], ["y"]);
        g.Outputs.Add(relu.Outputs[0]!);
        Assert.Equal([-1, -1], relu.Outputs[0]!.Shape!);
        // Simulate an earlier pass learning the target's value.
        target.Constant = Tensor.FromInt64s([2], [3, 4]);
        g.Initializers.Add(target);

        Assert.True(new InferShapes().Run(g));
        Verifier.Verify(g);

        Assert.Equal([3, 4], relu.Outputs[0]!.Shape!);
    }
}
