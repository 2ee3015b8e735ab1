using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Einsum by reference evaluation; expected values from numpy.einsum (numpy 1.24) on the same inputs.</summary>
public sealed class EinsumOperatorTests
{
    private static readonly float[] s_a = [1, 2, 3, 4, 5, 6];          // [2, 3]
    private static readonly float[] s_b = [1, -1, 0, 2, 3, 1];         // [3, 2]

    [Theory]
    [InlineData("ij,jk->ik", new[] { 2, 2 }, new double[] { 10, 6, 22, 12 })]
    [InlineData("ij,jk", new[] { 2, 2 }, new double[] { 10, 6, 22, 12 })]
    [InlineData("ij,jk->ki", new[] { 2, 2 }, new double[] { 10, 22, 6, 12 })]
    [InlineData("ij,jk->", new int[0], new double[] { 50 })]
    [InlineData("ij,jk->j", new[] { 3 }, new double[] { 0, 14, 36 })]
    public void Evaluate_TwoOperandEquations_MatchNumpy(string equation, int[] shape, double[] expected)
    {
        var y = Evaluate1("Einsum", [F([2, 3], s_a), F([3, 2], s_b)], Attributes(("equation", equation)));

        AssertFloats(shape, y, expected);
    }

    [Theory]
    [InlineData("ij->ji", new[] { 3, 2 }, new double[] { 1, 4, 2, 5, 3, 6 })]
    [InlineData("ij->i", new[] { 2 }, new double[] { 6, 15 })]
    [InlineData("ji", new[] { 3, 2 }, new double[] { 1, 4, 2, 5, 3, 6 })]
    [InlineData("...j->...", new[] { 2 }, new double[] { 6, 15 })]
    public void Evaluate_OneOperandEquations_MatchNumpy(string equation, int[] shape, double[] expected)
    {
        var y = Evaluate1("Einsum", [F([2, 3], s_a)], Attributes(("equation", equation)));

        AssertFloats(shape, y, expected);
    }

    [Fact]
    public void Evaluate_BatchDiagonal_TakesEachMatrixDiagonal()
    {
        // np.einsum('...ii->...i', np.arange(8).reshape(2, 2, 2)) = [[0, 3], [4, 7]].
        var y = Evaluate1("Einsum", [F([2, 2, 2], 0, 1, 2, 3, 4, 5, 6, 7)], Attributes(("equation", "...ii ->...i")));

        AssertFloats([2, 2], y, 0, 3, 4, 7);
    }

    [Theory]
    [InlineData("ij,jk->iz")]
    [InlineData("ij->ii")]
    [InlineData("i1,j")]
    [InlineData("ij,jk->ik->i")]
    public void Evaluate_MalformedEquation_IsRejected(string equation)
    {
        Assert.ThrowsAny<OperatorException>(() => Evaluate1("Einsum", [F([2, 3], s_a), F([3, 2], s_b)], Attributes(("equation", equation))));
    }
}
