using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Det against determinants worked by cofactor expansion (numpy.linalg.det gives the same).</summary>
public sealed class DetOperatorTests
{
    [Fact]
    public void Evaluate_TwoByTwo_IsAdMinusBc()
    {
        var y = Evaluate1("Det", [F([2, 2], 1, 2, 3, 4)]);

        AssertFloats([], y, -2);
    }

    [Fact]
    public void Evaluate_BatchOfThreeByThree_OnePerMatrixIncludingASingularOne()
    {
        // [[0, 2, 1], [1, 0, 0], [0, 1, 3]] needs a row swap: det = -(2*3 - 1*1) = -5; the second has equal rows.
        var y = Evaluate1("Det", [F([2, 3, 3], 0, 2, 1, 1, 0, 0, 0, 1, 3, 1, 2, 3, 1, 2, 3, 4, 5, 6)]);

        AssertFloats([2], y, -5, 0);
    }

    [Fact]
    public void InferTypes_NonSquare_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() => Evaluate1("Det", [F([2, 3], 1, 2, 3, 4, 5, 6)]));
    }
}
