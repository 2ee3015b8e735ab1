using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// The exporters' shape subgraphs over an input whose dynamic dimensions were fixed by <see cref="FixInputShapes"/>:
/// <see cref="FoldConstants"/> evaluates all of them, leaving only the real compute.
/// </summary>
public sealed class ShapeSubgraphFoldingTests
{
    /// <summary>
    /// x: [batch, 2, seq] fixed to [1, 2, 6]. In the comments, the values worked by hand:
    /// s = Shape(x) = [1,2,6]; b = Slice(s, 0:1) = [1]; w = Squeeze(Slice(s, 2:3)) = 6;
    /// ramp = Cast(Range(0, w, 1), float) = [0,1,2,3,4,5]; scaled = bias * ramp = [1,2,3,4,5,6] * ramp = [0,2,6,12,20,30];
    /// full = Concat(b, [2], w as [6]) = [1,2,6]; target = Where(Equal(full, -1), ConstantOfShape([3], 1), full) = [1,2,6];
    /// e = Expand(scaled, target) = [1,2,6] (each row [0,2,6,12,20,30]); y = x + e;
    /// out = Reshape(y, Concat(b, [-1], [3])) = Reshape(y, [1,-1,3]) -> [1,4,3].
    /// </summary>
    private static Graph PaddleStyleShapeSubgraph()
    {
        var g = new Graph("shape_subgraph", 13);
        var x = new Value("x", DataType.Float32, [-1, 2, -1]) { DimNames = ["batch", null, "seq"] };
        g.Inputs.Add(x);
        Value I64(string name, params long[] v) => g.AddConstant(name, Tensor.FromInt64s([v.Length], v));
        var s = g.AddNode("Shape", [x], ["s"], name: "shape").Outputs[0];
        var b = g.AddNode("Slice", [s, I64("start0", 0), I64("end1", 1)], ["b"], name: "slice_batch").Outputs[0];
        var w1 = g.AddNode("Slice", [s, I64("start2", 2), I64("end3", 3)], ["w1"], name: "slice_seq").Outputs[0];
        var w = g.AddNode("Squeeze", [w1, I64("axis0", 0)], ["w"], name: "squeeze").Outputs[0];
        var range = g.AddNode("Range", [g.AddConstant("zero", Tensor.FromInt64s([], [0])), w, g.AddConstant("one", Tensor.FromInt64s([], [1]))],
            ["range"], name: "range").Outputs[0];
        var ramp = g.AddNode("Cast", [range], ["ramp"], new AttributeBag(("to", 1L)), "cast").Outputs[0];
        var scaled = g.AddNode("Mul", [g.AddConstant("bias", Tensor.FromFloats([6], [1, 2, 3, 4, 5, 6])), ramp], ["scaled"], name: "mul").Outputs[0];
        var full = g.AddNode("Concat", [b, I64("two", 2), w1], ["full"], new AttributeBag(("axis", 0L)), "concat_full").Outputs[0];
        var isMinus = g.AddNode("Equal", [full, I64("minus1s", -1, -1, -1)], ["is_minus1"], name: "equal").Outputs[0];
        var ones = g.AddNode("ConstantOfShape", [I64("three", 3)], ["ones"], new AttributeBag(("value", Tensor.FromInt64s([1], [1]))), "ones").Outputs[0];
        var target = g.AddNode("Where", [isMinus, ones, full], ["target"], name: "where").Outputs[0];
        var e = g.AddNode("Expand", [scaled, target], ["e"], name: "expand").Outputs[0];
        var y = g.AddNode("Add", [x, e], ["y"], name: "add").Outputs[0];
        var reshapeTarget = g.AddNode("Concat", [b, I64("minus1", -1), I64("three_", 3)], ["reshape_target"], new AttributeBag(("axis", 0L)), "concat_target").Outputs[0];
        g.Outputs.Add(g.AddNode("Reshape", [y, reshapeTarget], ["out"], name: "reshape").Outputs[0]!);
        return g;
    }

    [Fact]
    public void FoldConstants_PaddleStyleShapeSubgraph_OnlyAddAndReshapeRemain()
    {
        var g = PaddleStyleShapeSubgraph();
        new FixInputShapes(new ShapeBindings(new Dictionary<string, int[]>(), new Dictionary<string, int> { ["batch"] = 1, ["seq"] = 6 })).Run(g);
        new InferShapes().Run(g);

        GoldenIr.Check("FoldConstants.PaddleStyleShapeSubgraph", g, new FoldConstants());
    }

    [Fact]
    public void FoldConstants_PaddleStyleShapeSubgraph_SameResultAsTheUnfoldedGraph()
    {
        var input = PassTestGraphs.Random([1, 2, 6], 7);
        var bindings = new ShapeBindings(new Dictionary<string, int[]> { ["x"] = [1, 2, 6] }, new Dictionary<string, int>());
        var unfolded = PaddleStyleShapeSubgraph();
        new FixInputShapes(bindings).Run(unfolded);
        var expected = new ReferenceExecutor().Execute(unfolded, [input])[0];
        var folded = PaddleStyleShapeSubgraph();
        new FixInputShapes(bindings).Run(folded);

        PassPipeline.Run(folded, new PassOptions(Verify: true));
        new RequireStaticShapes().Run(folded);

        Assert.Equal(["Add", "Reshape"], folded.Nodes.Select(n => n.OpType));
        var actual = new ReferenceExecutor().Execute(folded, [input])[0];
        Assert.Equal([1, 4, 3], actual.Shape);
        Assert.Equal(expected.AsFloat32(), actual.AsFloat32());
    }

    [Fact]
    public void RequireStaticShapes_ReshapeTargetFromRuntimeData_ErrorNamesTheNode()
    {
        var g = new Graph("data_dependent", 13);
        var x = new Value("x", DataType.Float32, [2, 6]);
        var shape = new Value("target", DataType.Int64, [2]);
        g.Inputs.Add(x);
        g.Inputs.Add(shape);
        g.Outputs.Add(g.AddNode("Reshape", [x, shape], ["y"], name: "reshape_by_data").Outputs[0]!);
        PassPipeline.Run(g, new PassOptions(Verify: true));

        var e = Assert.Throws<UnsupportedOperatorException>(() => new RequireStaticShapes().Run(g));

        Assert.Equal("node 'reshape_by_data' (Reshape, opset 13): the shape of output 'y' (?x?) depends on the run-time values of 'target'; the compiler needs static shapes", e.Message);
    }
}
