using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// GridSample on x[1, 2, 3, 4] at six grid points, some outside [-1, 1], in each mode and padding: the reference
/// evaluation and the wasm kernel on our engine against PyTorch 1.13's torch.nn.functional.grid_sample (the
/// operator ONNX's follows), values printed by it to 6 decimals. Bicubic with border padding uses points inside
/// [-1, 1]: outside, ONNX (its reference and onnxruntime) first clamps the coordinate to the border, PyTorch only the taps.
/// </summary>
public sealed class GridSampleOperatorTests
{
    private static readonly float[] s_x = [.. Enumerable.Range(0, 24).Select(i => i * 0.5f - 3)];

    private static readonly float[] s_grid = [-1.2f, -0.9f, 0.3f, 0.55f, 1.3f, -0.2f, 0.05f, 1.4f, -0.6f, 0.1f, 0.9f, 0.95f];

    private static readonly float[] s_gridInside = [-0.95f, -0.9f, 0.3f, 0.55f, 0.97f, -0.2f, 0.05f, 0.99f, -0.6f, 0.1f, 0.9f, 0.95f];

    public static TheoryData<string, string, long, double[]> Cases => new()
    {
        { "bilinear", "zeros", 0, [-0.195, 1.7, 0.0, 0.0, -0.55, 1.00625, 0.195, 7.7, 0.0, 0.0, 5.45, 3.421249] },
        { "bicubic", "border", 0, [-3.275811, 1.806197, -0.226755, 1.98095, -0.466187, 2.765899, 2.724188, 7.806196, 5.773246, 7.980948, 5.533815, 8.7659] },
        { "nearest", "reflection", 0, [-3.0, 2.0, 0.5, 2.0, -1.0, 2.5, 3.0, 8.0, 6.5, 8.0, 5.0, 8.5] },
        { "bilinear", "reflection", 1, [-2.65, 1.075, -0.125, 0.9875, -0.5, 2.325, 3.35, 7.075, 5.875, 6.9875, 5.5, 8.325] },
        { "bicubic", "zeros", 1, [-2.244366, 1.444294, 0.007777, 1.304342, -0.505007, 2.654938, 2.344441, 8.056851, 3.424995, 4.97634, 5.970408, 9.362189] },
        { "nearest", "border", 1, [-3.0, 2.0, 0.5, 2.0, -0.5, 2.5, 3.0, 8.0, 6.5, 8.0, 5.5, 8.5] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_ModeAndPadding_MatchesPyTorch(string mode, string padding, long alignCorners, double[] expected)
    {
        var y = Evaluate1("GridSample", [F([1, 2, 3, 4], s_x), F([1, 2, 3, 2], Grid(mode, padding))], Attributes(("mode", mode), ("padding_mode", padding), ("align_corners", alignCorners)), opset: 16);

        AssertTensor([1, 2, 2, 3], DataType.Float32, expected, y, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_ModeAndPadding_MatchesPyTorchOnTheEngine(string mode, string padding, long alignCorners, double[] expected)
    {
        var g = new Graph("grid_sample", 16);
        Value x = new("x", DataType.Float32, [1, 2, 3, 4]), grid = new("grid", DataType.Float32, [1, 2, 3, 2]);
        g.Inputs.AddRange([x, grid]);
        g.Outputs.Add(g.AddNode("GridSample", [x, grid], ["y"], Attributes(("mode", mode), ("padding_mode", padding), ("align_corners", alignCorners))).Outputs[0]!);

        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [F([1, 2, 3, 4], s_x), F([1, 2, 3, 2], Grid(mode, padding))])[0];

        AssertTensor([1, 2, 2, 3], DataType.Float32, expected, y, 1e-5);
    }

    [Fact]
    public void GridSample_Opset20LinearAndCubicNames_ParseAsBilinearAndBicubic()
    {
        var linear = Evaluate1("GridSample", [F([1, 2, 3, 4], s_x), F([1, 2, 3, 2], s_grid)], Attributes(("mode", "linear")), opset: 20);

        AssertTensor([1, 2, 2, 3], DataType.Float32, [-0.195, 1.7, 0.0, 0.0, -0.55, 1.00625, 0.195, 7.7, 0.0, 0.0, 5.45, 3.421249], linear, 1e-5);
    }

    private static float[] Grid(string mode, string padding) => mode == "bicubic" && padding == "border" ? s_gridInside : s_grid;
}
