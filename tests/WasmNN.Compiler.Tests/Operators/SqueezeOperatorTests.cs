using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class SqueezeOperatorTests
{
    [Fact]
    public void Unsqueeze_TwoAxes_InsertsOnes()
    {
        // Axes refer to the output: [2] -> [1, 2, 1].
        var y = Evaluate1("Unsqueeze", [F([2], 1, 2), L([2], 0, 2)]);

        AssertFloats([1, 2, 1], y, 1, 2);
    }

    [Fact]
    public void Squeeze_GivenAxis_RemovesOnlyIt()
    {
        var y = Evaluate1("Squeeze", [F([1, 2, 1], 1, 2), L([1], 0)]);

        AssertFloats([2, 1], y, 1, 2);
    }

    [Fact]
    public void Squeeze_NoAxes_RemovesEveryOne()
    {
        var y = Evaluate1("Squeeze", [F([1, 2, 1], 1, 2)]);

        AssertFloats([2], y, 1, 2);
    }
}
