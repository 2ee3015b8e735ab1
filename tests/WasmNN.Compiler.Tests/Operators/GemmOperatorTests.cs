using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class GemmOperatorTests
{
    // A = [[1, 2, 3], [4, 5, 6]], B = [[1, 0], [0, 1], [1, 1]]: A·B = [[4, 5], [10, 11]].
    private static readonly float[] s_a = [1, 2, 3, 4, 5, 6];
    private static readonly float[] s_b = [1, 0, 0, 1, 1, 1];

    [Fact]
    public void Evaluate_AlphaBetaWithRowBias_ScalesBothTerms()
    {
        // 2·A·B + 0.5·[10, 20] = [[13, 20], [25, 32]].
        var y = Evaluate1("Gemm", [F([2, 3], s_a), F([3, 2], s_b), F([2], 10, 20)], Attributes(("alpha", 2f), ("beta", 0.5f)));

        AssertFloats([2, 2], y, 13, 20, 25, 32);
    }

    [Fact]
    public void Evaluate_TransposedB_SameProduct()
    {
        // B given as its transpose [[1, 0, 1], [0, 1, 1]] with transB = 1; no C.
        var y = Evaluate1("Gemm", [F([2, 3], s_a), F([2, 3], 1, 0, 1, 0, 1, 1)], Attributes(("transB", 1L)));

        AssertFloats([2, 2], y, 4, 5, 10, 11);
    }
}
