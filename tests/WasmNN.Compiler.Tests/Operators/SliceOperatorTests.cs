using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class SliceOperatorTests
{
    [Fact]
    public void Evaluate_StartsEndsAxesSteps_SelectsTheGrid()
    {
        // x = 0..11 as 3x4; rows 1..2, columns 0 and 2.
        var y = Evaluate1("Slice", [F([3, 4], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), L([2], 1, 0), L([2], 3, 4), L([2], 0, 1), L([2], 1, 2)]);

        AssertFloats([2, 2], y, 4, 6, 8, 10);
    }

    [Fact]
    public void Evaluate_NegativeStepFromTheEnd_ReversesWithStride()
    {
        var y = Evaluate1("Slice", [F([5], 0, 1, 2, 3, 4), L([1], -1), L([1], long.MinValue), L([1], 0), L([1], -2)]);

        AssertFloats([3], y, 4, 2, 0);
    }

    [Fact]
    public void Evaluate_EndPastTheDimension_Clamped()
    {
        var y = Evaluate1("Slice", [F([4], 0, 1, 2, 3), L([1], 2), L([1], long.MaxValue)]);

        AssertFloats([2], y, 2, 3);
    }
}
