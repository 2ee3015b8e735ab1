using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class ConvOperatorTests
{
    [Fact]
    public void Evaluate_TwoByTwoKernelWithBias_SumsEachWindow()
    {
        // x = 1..9 as 3x3, W = [[1, 2], [3, 4]], b = 1: y(0,0) = 1*1 + 2*2 + 3*4 + 4*5 + 1 = 38, then 48, 68, 78.
        var y = Evaluate1("Conv", [F([1, 1, 3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9), F([1, 1, 2, 2], 1, 2, 3, 4), F([1], 1)]);

        AssertFloats([1, 1, 2, 2], y, 38, 48, 68, 78);
    }

    [Fact]
    public void Evaluate_PaddedStrideTwo_ReadsZerosOutside()
    {
        // 1x1 kernel of 2, pads 1, stride 2: output (i, j) = 2 * xpad[2i, 2j], xpad = x framed by zeros (5x5), so
        // only the centre (xpad[2, 2] = x[1, 1] = 5) is non-zero. Output side: (3 + 2 - 1) / 2 + 1 = 3.
        var y = Evaluate1("Conv", [F([1, 1, 3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9), F([1, 1, 1, 1], 2)],
            Attributes(("pads", new long[] { 1, 1, 1, 1 }), ("strides", new long[] { 2, 2 })));

        AssertFloats([1, 1, 3, 3], y, 0, 0, 0, 0, 10, 0, 0, 0, 0);
    }

    [Fact]
    public void Evaluate_TwoGroups_EachChannelItsOwnFilter()
    {
        // group 2: channel 0 (values 1, 2) times 3, channel 1 (values 4, 5) times -1.
        var y = Evaluate1("Conv", [F([1, 2, 1, 2], 1, 2, 4, 5), F([2, 1, 1, 1], 3, -1)], Attributes(("group", 2L)));

        AssertFloats([1, 2, 1, 2], y, 3, 6, -4, -5);
    }
}
