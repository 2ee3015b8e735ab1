using System.Runtime.InteropServices;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// Outputs whose length depends on the data (docs/ABI.md, "Outputs of run-time length"): compiled at their proven
/// maximum, run on our engine, returned at the length each run reports. Expected values follow numpy's definitions
/// (np.nonzero, boolean-mask indexing, np.argsort for TopK), worked out by hand for these small inputs.
/// </summary>
public sealed class RuntimeLengthTests
{
    private static readonly float[] s_boxes = [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5];

    /// <summary>keep = nonzero(scores &gt; 0.5)[0]; picked = boxes[keep]; coordinates = nonzero(grid).</summary>
    private static Graph DetectionGraph()
    {
        var g = new Graph("detection", 13);
        var scores = new Value("scores", DataType.Float32, [5]);
        var boxes = new Value("boxes", DataType.Float32, [5, 4]);
        var grid = new Value("grid", DataType.Float32, [2, 3]);
        g.Inputs.AddRange([scores, boxes, grid]);
        var threshold = new Value("threshold", Tensor.Scalar(0.5f));
        var axis0 = new Value("axis0", Tensor.FromInt64s([1], [0]));
        g.Initializers.AddRange([threshold, axis0]);
        var mask = g.AddNode("Greater", [scores, threshold], ["mask"]).Outputs[0]!;
        var rows = g.AddNode("NonZero", [mask], ["rows"]).Outputs[0]!;
        var keep = g.AddNode("Squeeze", [rows, axis0], ["keep"]).Outputs[0]!;
        var picked = g.AddNode("Gather", [boxes, keep], ["picked"], new AttributeBag(("axis", 0L))).Outputs[0]!;
        var coordinates = g.AddNode("NonZero", [grid], ["coordinates"]).Outputs[0]!;
        g.Outputs.AddRange([keep, picked, coordinates]);
        return g;
    }

    [Fact]
    public void Compile_NonZeroSqueezeGather_ReturnsTheRowsOfEachRun()
    {
        using var model = CompiledModel.Load(ModelCompiler.Compile(DetectionGraph()).Wasm);
        model.SetInput<float>(1, s_boxes);

        model.SetInput<float>(0, [0.9f, 0.1f, 0.6f, 0.2f, 0.8f]);
        model.SetInput<float>(2, [0, 3, 0, 7, 0, 1]);
        model.Run();

        Assert.Equal([3], model.OutputShape(0));
        Assert.Equal([0L, 2, 4], model.GetOutput<long>(0).ToArray());
        Assert.Equal([3, 4], model.OutputShape(1));
        Assert.Equal([0f, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], model.GetOutput<float>(1).ToArray());
        // np.nonzero([[0, 3, 0], [7, 0, 1]]): rows [0, 1, 1], columns [1, 0, 2], dense [2, 3].
        Assert.Equal([2, 3], model.OutputShape(2));
        Assert.Equal([0L, 1, 1, 1, 0, 2], model.GetOutput<long>(2).ToArray());

        // The next run reports other lengths, down to none.
        model.SetInput<float>(0, [0.1f, 0.2f, 0.3f, 0.4f, 0.5f]);
        model.SetInput<float>(2, [0, 0, 0, 0, 0, 9]);
        model.Run();

        Assert.Equal([0], model.OutputShape(0));
        Assert.Empty(model.GetOutput<long>(0).ToArray());
        Assert.Equal([0, 4], model.OutputShape(1));
        Assert.Equal([2, 1], model.OutputShape(2));
        Assert.Equal([1L, 2], model.GetOutput<long>(2).ToArray());
    }

    [Fact]
    public void Compile_NonZeroSqueezeGatherOnNode_ReadsTheLengthsThroughTheExports()
    {
        Assert.True(NodeRunner.IsAvailable, "node is required (scripts/test.sh installs nodejs)");
        float[][] inputs = [[0.9f, 0.1f, 0.6f, 0.2f, 0.8f], s_boxes, [0, 3, 0, 7, 0, 1]];

        var outputs = NodeRunner.RunBytes(ModelCompiler.Compile(DetectionGraph()).Wasm, [.. inputs.Select(f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray())], 3);

        Assert.Equal([0L, 2, 4], MemoryMarshal.Cast<byte, long>(outputs[0]).ToArray());
        Assert.Equal([0f, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], MemoryMarshal.Cast<byte, float>(outputs[1]).ToArray());
        Assert.Equal([0L, 1, 1, 1, 0, 2], MemoryMarshal.Cast<byte, long>(outputs[2]).ToArray());
    }

    [Fact]
    public void Compile_NonZero_MetadataMarksTheRunTimeAxesAtTheirMaximum()
    {
        var metadata = ModelCompiler.Compile(DetectionGraph()).Metadata;

        Assert.Equal([5], metadata.Outputs[0].Shape);
        Assert.Equal([0], metadata.Outputs[0].RuntimeDims!);
        Assert.Equal([5, 4], metadata.Outputs[1].Shape);
        Assert.Equal([0], metadata.Outputs[1].RuntimeDims!);
        Assert.Equal([2, 6], metadata.Outputs[2].Shape);
        Assert.Equal([1], metadata.Outputs[2].RuntimeDims!);
        Assert.Contains("\"runtime_dims\":[1]", metadata.ToString());
    }

    [Fact]
    public void Compile_TopKWithRunTimeK_ReturnsKSortedElements()
    {
        var g = new Graph("topk", 13);
        var x = new Value("x", DataType.Float32, [2, 5]);
        var k = new Value("k", DataType.Int64, [1]);
        g.Inputs.AddRange([x, k]);
        var node = g.AddNode("TopK", [x, k], ["values", "indices"], new AttributeBag(("axis", 1L)));
        g.Outputs.AddRange([node.Outputs[0]!, node.Outputs[1]!]);
        using var model = CompiledModel.Load(ModelCompiler.Compile(g).Wasm);
        model.SetInput<float>(0, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);

        model.SetInput<long>(1, [2]);
        model.Run();

        Assert.Equal([2, 2], model.OutputShape(0));
        Assert.Equal([5f, 4, 9, 6], model.GetOutput<float>(0).ToArray());
        Assert.Equal([4L, 2, 0, 2], model.GetOutput<long>(1).ToArray());

        model.SetInput<long>(1, [4]);
        model.Run();

        Assert.Equal([5f, 4, 3, 1, 9, 6, 5, 3], model.GetOutput<float>(0).ToArray());
    }

    [Fact]
    public void Compile_ReductionOverARunTimeAxis_IsUnsupportedNamingTheNode()
    {
        var g = new Graph("consume", 13);
        var x = new Value("x", DataType.Float32, [4]);
        g.Inputs.Add(x);
        var rows = g.AddNode("NonZero", [x], ["rows"]).Outputs[0]!;
        var sum = g.AddNode("ReduceSum", [rows, new Value("axes", Tensor.FromInt64s([1], [1]))], ["sum"], null, "sum_rows").Outputs[0]!;
        g.Initializers.Add(sum.Producer!.Inputs[1]!);
        g.Outputs.Add(sum);

        var e = Assert.Throws<UnsupportedOperatorException>(() => ModelCompiler.Compile(g));

        Assert.Contains("node 'sum_rows' (ReduceSum", e.Message);
        Assert.Contains("run-time length", e.Message);
    }

    [Fact]
    public void Compile_RunTimeLengthOutputForWasi_IsUnsupported()
    {
        var e = Assert.Throws<UnsupportedOperatorException>(() => ModelCompiler.Compile(DetectionGraph(), new CompileOptions { Wasi = true }));

        Assert.Contains("output 'keep'", e.Message);
    }
}
