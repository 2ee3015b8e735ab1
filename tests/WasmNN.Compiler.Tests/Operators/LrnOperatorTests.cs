using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>LRN against its specification's formula, worked by hand on two pixels of three channels.</summary>
public sealed class LrnOperatorTests
{
    [Fact]
    public void Evaluate_SizeThree_SumsTheNeighbouringChannelsClippedAtTheEdges()
    {
        // x[c] = 1, 2, 3 at one pixel; size 3: sums 1+4, 1+4+9, 4+9; alpha/size = 1, bias 1, beta 1.
        var y = Evaluate1("LRN", [F([1, 3, 1, 1], 1, 2, 3)], Attributes(("size", 3L), ("alpha", 3f), ("beta", 1f), ("bias", 1f)));

        AssertFloats([1, 3, 1, 1], y, 1.0 / 6, 2.0 / 15, 3.0 / 14);
    }

    [Fact]
    public void Evaluate_EvenSize_TakesOneMoreChannelAfter()
    {
        // size 2: window [c, c + 1]; alpha/size = 0.5, beta 0.5, bias 0: y = x / sqrt(0.5 * sum).
        var y = Evaluate1("LRN", [F([1, 2, 1], 3, 4)], Attributes(("size", 2L), ("alpha", 1f), ("beta", 0.5f), ("bias", 0f)));

        AssertFloats([1, 2, 1], y, 3 / Math.Sqrt(12.5), 4 / Math.Sqrt(8));
    }

    [Fact]
    public void ParseAttributes_MissingSize_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() => Evaluate1("LRN", [F([1, 1, 1], 1)]));
    }
}
