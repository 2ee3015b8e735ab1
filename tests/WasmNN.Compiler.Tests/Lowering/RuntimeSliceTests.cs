using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// Slice with starts, ends, axes and steps given at run time: compiled once with the input's shape as the maximum of
/// each sliced axis, each run reports the lengths numpy's slicing gives (values printed by numpy for x = arange(60)
/// reshaped to [3, 4, 5]).
/// </summary>
public sealed class RuntimeSliceTests
{
    private static readonly float[] s_x = [.. Enumerable.Range(0, 60).Select(i => (float)i)];

    [Fact]
    public void Compile_SliceWithRunTimeBounds_ReportsEachRunsShapeAsNumpy()
    {
        var g = new Graph("slice", 13);
        Value x = new("x", DataType.Float32, [3, 4, 5]), starts = new("starts", DataType.Int64, [2]), ends = new("ends", DataType.Int64, [2]);
        Value axes = new("axes", DataType.Int64, [2]), steps = new("steps", DataType.Int64, [2]);
        g.Inputs.AddRange([x, starts, ends, axes, steps]);
        g.Outputs.Add(g.AddNode("Slice", [x, starts, ends, axes, steps], ["y"]).Outputs[0]!);
        using var model = CompiledModel.Load(ModelCompiler.Compile(g).Wasm);
        model.SetInput<float>(0, s_x);

        // x[0:2, :, -1:-4:-2]
        Run(model, [0, -1], [2, -4], [0, 2], [1, -2]);
        Assert.Equal([2, 4, 2], model.OutputShape(0));
        Assert.Equal([4f, 2, 9, 7, 14, 12, 19, 17, 24, 22, 29, 27, 34, 32, 39, 37], model.GetOutput<float>(0).ToArray());

        // x[:, 1:3] (axes -2 counts from the end; a huge end clamps)
        Run(model, [1, 0], [3, long.MaxValue], [-2, 0], [1, 1]);
        Assert.Equal([3, 2, 5], model.OutputShape(0));
        Assert.Equal([5f, 6, 7, 8, 9, 10, 11, 12, 13, 14, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54],
            model.GetOutput<float>(0).ToArray());

        // x[1:1000, 10:20] is empty along axis 1.
        Run(model, [1, 10], [1000, 20], [0, 1], [1, 1]);
        Assert.Equal([2, 0, 5], model.OutputShape(0));
    }

    [Fact]
    public void Compile_SliceWithRunTimeBounds_MetadataMarksTheSlicedAxesAtTheInputsSize()
    {
        var g = new Graph("slice", 13);
        Value x = new("x", DataType.Float32, [3, 4, 5]), starts = new("starts", DataType.Int64, [1]), ends = new("ends", DataType.Int64, [1]);
        var axes = new Value("axes", Tensor.FromInt64s([1], [2]));
        g.Inputs.AddRange([x, starts, ends]);
        g.Initializers.Add(axes);
        g.Outputs.Add(g.AddNode("Slice", [x, starts, ends, axes], ["y"]).Outputs[0]!);

        var output = ModelCompiler.Compile(g).Metadata.Outputs[0];

        Assert.Equal([3, 4, 5], output.Shape);
        Assert.Equal([2], output.RuntimeDims!);
    }

    private static void Run(CompiledModel model, long[] starts, long[] ends, long[] axes, long[] steps)
    {
        model.SetInput<long>(1, starts);
        model.SetInput<long>(2, ends);
        model.SetInput<long>(3, axes);
        model.SetInput<long>(4, steps);
        model.Run();
    }
}
