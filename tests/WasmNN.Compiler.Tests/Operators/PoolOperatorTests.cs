using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>MaxPool, AveragePool and the global pools on x = 1..9 as one 3x3 channel.</summary>
public sealed class PoolOperatorTests
{
    private static readonly float[] s_x = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void MaxPool_TwoByTwoStrideOne_WindowMaxima()
    {
        var y = Evaluate1("MaxPool", [F([1, 1, 3, 3], s_x)], Attributes(("kernel_shape", new long[] { 2, 2 })));

        AssertFloats([1, 1, 2, 2], y, 5, 6, 8, 9);
    }

    [Fact]
    public void AveragePool_TwoByTwoStrideOne_WindowMeans()
    {
        // (1 + 2 + 4 + 5) / 4 = 3, then 4, 6, 7.
        var y = Evaluate1("AveragePool", [F([1, 1, 3, 3], s_x)], Attributes(("kernel_shape", new long[] { 2, 2 })));

        AssertFloats([1, 1, 2, 2], y, 3, 4, 6, 7);
    }

    [Fact]
    public void AveragePool_PaddedExcludingPad_DividesByRealElements()
    {
        // pads 1 on the left only, kernel 2, count_include_pad 0: windows [pad, 1] -> 1, [1, 2] -> 1.5, [2, 3] -> 2.5.
        var y = Evaluate1("AveragePool", [F([1, 1, 3], 1, 2, 3)], Attributes(("kernel_shape", new long[] { 2 }), ("pads", new long[] { 1, 0 })));

        AssertFloats([1, 1, 3], y, 1, 1.5, 2.5);
    }

    [Fact]
    public void GlobalAveragePool_TwoChannels_MeanPerChannel()
    {
        var y = Evaluate1("GlobalAveragePool", [F([1, 2, 2, 2], 1, 2, 3, 4, 5, 6, 7, 8)]);

        AssertFloats([1, 2, 1, 1], y, 2.5, 6.5);
    }

    [Fact]
    public void GlobalMaxPool_TwoChannels_MaxPerChannel()
    {
        var y = Evaluate1("GlobalMaxPool", [F([1, 2, 2, 2], 1, 2, 3, 4, 8, 7, 6, 5)]);

        AssertFloats([1, 2, 1, 1], y, 4, 8);
    }
}
