using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// RoiAlign (avg) on three regions of a two-image batch, one partly outside the image, with a fixed and an adaptive
/// sampling ratio: the reference evaluation and the wasm kernel on our engine against torchvision 0.14's
/// ops.roi_align (aligned=True is half_pixel, aligned=False output_half_pixel), printed to 6 decimals.
/// </summary>
public sealed class RoiAlignOperatorTests
{
    private static readonly float[] s_x = [.. Enumerable.Range(0, 60).Select(i => i < 30 ? i * 0.25f - 3 : (i * 0.25f - 3) * -1.5f)];
    private static readonly float[] s_rois = [0.5f, 0.8f, 4.2f, 3.9f, 1.0f, 2.0f, 3.5f, 4.5f, -0.5f, -1.0f, 2.0f, 1.5f];
    private static readonly long[] s_batch = [0, 1, 1];

    public static TheoryData<string, long, double[]> Cases => new()
    {
        { "half_pixel", 2, [-1.233333, -0.925, -0.616667, 1.091667, 1.4, 1.708334, -11.875, -12.1875, -12.5, -14.6875, -15.0, -15.3125, -3.375, -3.421875, -3.578125, -7.59375, -7.6875, -8.0] },
        { "half_pixel", 0, [-1.233333, -0.925, -0.616667, 1.091667, 1.4, 1.708334, -11.875, -12.1875, -12.5, -14.6875, -15.0, -15.3125, -3.375, -3.421875, -3.578125, -7.59375, -7.6875, -8.0] },
        { "output_half_pixel", 2, [-0.358333, -0.05, 0.258333, 1.966667, 2.275001, 2.583334, -13.1875, -13.5, -13.8125, -15.789062, -16.101562, -16.414062, -6.773438, -7.03125, -7.34375, -8.742188, -9.0, -9.3125] },
        { "output_half_pixel", 0, [-0.358333, -0.05, 0.258333, 1.966667, 2.275001, 2.583334, -13.1875, -13.5, -13.8125, -15.789062, -16.101562, -16.414062, -6.75, -7.03125, -7.34375, -8.71875, -9.0, -9.3125] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_RegionsAndSampling_MatchTorchvision(string transformation, long samplingRatio, double[] expected)
    {
        var y = Evaluate1("RoiAlign", [F([2, 1, 5, 6], s_x), F([3, 4], s_rois), L([3], s_batch)], Attributes(transformation, samplingRatio), opset: 16);

        AssertTensor([3, 1, 2, 3], DataType.Float32, expected, y, 2e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_RegionsAndSampling_MatchTorchvisionOnTheEngine(string transformation, long samplingRatio, double[] expected)
    {
        var g = new Graph("roi_align", 16);
        Value x = new("x", DataType.Float32, [2, 1, 5, 6]), rois = new("rois", DataType.Float32, [3, 4]), batch = new("batch", DataType.Int64, [3]);
        g.Inputs.AddRange([x, rois, batch]);
        g.Outputs.Add(g.AddNode("RoiAlign", [x, rois, batch], ["y"], Attributes(transformation, samplingRatio)).Outputs[0]!);

        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [F([2, 1, 5, 6], s_x), F([3, 4], s_rois), L([3], s_batch)])[0];

        AssertTensor([3, 1, 2, 3], DataType.Float32, expected, y, 2e-5);
    }

    private static AttributeBag Attributes(string transformation, long samplingRatio) => OperatorRun.Attributes(
        ("coordinate_transformation_mode", transformation), ("output_height", 2L), ("output_width", 3L), ("sampling_ratio", samplingRatio));
}
