using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Resize and Upsample against the ONNX formulas worked by hand (x_original per coordinate mode, then the taps).</summary>
public sealed class ResizeOperatorTests
{
    [Fact]
    public void Evaluate_NearestHalfPixel_RoundsPreferringFloor()
    {
        // x_original = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> 0, 0, 1, 1 on both axes.
        var y = Evaluate1("Resize", [F([1, 1, 2, 2], 1, 2, 3, 4), null, null, L([4], 1, 1, 4, 4)]);

        AssertFloats([1, 1, 4, 4], y, 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
    }

    [Fact]
    public void Evaluate_LinearHalfPixel_ClampsAtTheEdges()
    {
        // x_original = -0.25, 0.25, 0.75, 1.25: 1, 0.75*1 + 0.25*3, 0.25*1 + 0.75*3, 3.
        var y = Evaluate1("Resize", [F([1, 1, 1, 2], 1, 3), null, null, L([4], 1, 1, 1, 4)], Attributes(("mode", "linear")));

        AssertFloats([1, 1, 1, 4], y, 1, 1.5, 2.5, 3);
    }

    [Fact]
    public void Evaluate_LinearAlignCorners_HitsBothEnds()
    {
        // x_original = i * (2 - 1) / (3 - 1) = 0, 0.5, 1.
        var y = Evaluate1("Resize", [F([1, 2], 1, 3), null, null, L([2], 1, 3)],
            Attributes(("mode", "linear"), ("coordinate_transformation_mode", "align_corners")));

        AssertFloats([1, 3], y, 1, 2, 3);
    }

    [Fact]
    public void Evaluate_CubicAsymmetric_InterpolatesWithTheKeysKernel()
    {
        // a = -0.75 at fraction 0.5: weights -0.09375, 0.59375, 0.59375, -0.09375 over taps clamped to the edge;
        // whole coordinates reproduce the input.
        var y = Evaluate1("Resize", [F([1, 4], 1, 2, 4, 8), null, null, L([2], 1, 8)],
            Attributes(("mode", "cubic"), ("coordinate_transformation_mode", "asymmetric")));

        AssertFloats([1, 8], y, 1, 1.3125, 2, 2.71875, 4, 6.1875, 8, 8.375);
    }

    [Fact]
    public void Evaluate_Upsample7ScalesAttribute_RepeatsNearest()
    {
        var y = Evaluate1("Upsample", [F([1, 2], 1, 2)], Attributes(("scales", new[] { 1f, 3f })), opset: 7);

        AssertFloats([1, 6], y, 1, 1, 1, 2, 2, 2);
    }
}
