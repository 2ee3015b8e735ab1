using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Expected values from PyTorch's torch.nn.functional.conv_transpose1d/2d on the same inputs.</summary>
public sealed class ConvTransposeOperatorTests
{
    [Fact]
    public void Evaluate_GroupedStridedPaddedWithOutputPadding_MatchesPyTorch()
    {
        // conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2).
        var x = F([1, 2, 2, 2], 1, 2, 3, 4, 5, 6, 7, 8);
        var w = F([2, 1, 2, 2], 1, -1, 2, 0.5f, 3, 1, -2, 1);
        var b = F([2], 0.5f, -1);

        var y = Evaluate1("ConvTranspose", [x, w, b], Attributes(("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }),
            ("output_padding", new long[] { 1, 1 }), ("group", 2L)));

        AssertFloats([1, 2, 3, 3], y, 1, 4.5, 1.5, -2.5, 4.5, -3.5, 2, 8.5, 2.5, 4, -13, 5, 6, 23, 7, 6, -17, 7);
    }

    [Fact]
    public void Evaluate_Dilated1D_SpreadsEachInputOverTheDilatedTaps()
    {
        // conv_transpose1d(x, w, dilation=2): length (3 - 1) + (3 - 1) * 2 + 1 = 7.
        var x = F([1, 1, 3], 1, 2, 3);
        var w = F([1, 2, 3], 1, 10, 100, 2, 0, 0);

        var y = Evaluate1("ConvTranspose", [x, w], Attributes(("dilations", new long[] { 2 })));

        AssertFloats([1, 2, 7], y, 1, 2, 13, 20, 130, 200, 300, 2, 4, 6, 0, 0, 0, 0);
    }

    [Fact]
    public void InferTypes_OutputShapeAttribute_PadsDerivedAndOutputHasThatSize()
    {
        // Spec example: X 3x3, stride 3x2, output_shape 10x8 -> Y 10x8 (the extra row and column stay zero).
        var x = F([1, 1, 3, 3], new float[9]);
        var w = F([1, 2, 3, 3], new float[18]);

        var y = Evaluate1("ConvTranspose", [x, w], Attributes(("strides", new long[] { 3, 2 }), ("output_shape", new long[] { 10, 8 })));

        Assert.Equal([1, 2, 10, 8], y.Shape);
    }
}
