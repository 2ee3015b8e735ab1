using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>GlobalLpPool against hand-worked norms of each channel's plane.</summary>
public sealed class GlobalLpPoolOperatorTests
{
    [Fact]
    public void Evaluate_DefaultP2_GivesTheEuclideanNormOfEachPlane()
    {
        // Channel 0: 3, 4 -> 5; channel 1: -6, 8 -> 10.
        var y = Evaluate1("GlobalLpPool", [F([1, 2, 1, 2], 3, 4, -6, 8)]);

        AssertFloats([1, 2, 1, 1], y, 5, 10);
    }

    [Theory]
    [InlineData(1L, 6.0)]
    [InlineData(3L, 3.3019272488946263)]
    public void Evaluate_OtherP_TakesThePthRootOfTheSumOfPowers(long p, double expected)
    {
        // |1|^p + |-2|^p + |3|^p: 6 for p = 1, 36^(1/3) for p = 3.
        var y = Evaluate1("GlobalLpPool", [F([1, 1, 3], 1, -2, 3)], Attributes(("p", p)));

        AssertFloats([1, 1, 1], y, expected);
    }
}
