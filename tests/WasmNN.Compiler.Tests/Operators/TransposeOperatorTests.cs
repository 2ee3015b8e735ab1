using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class TransposeOperatorTests
{
    [Fact]
    public void Evaluate_DefaultPerm_ReversesAxes()
    {
        // [[1, 2, 3], [4, 5, 6]]ᵀ = [[1, 4], [2, 5], [3, 6]].
        var y = Evaluate1("Transpose", [F([2, 3], 1, 2, 3, 4, 5, 6)]);

        AssertFloats([3, 2], y, 1, 4, 2, 5, 3, 6);
    }

    [Fact]
    public void Evaluate_Perm_OutputAxisIFromInputAxisPermI()
    {
        // x[2,1,2] = [[[1, 2]], [[3, 4]]], perm [2, 0, 1]: y[k, i, j] = x[i, j, k] -> [[[1], [3]], [[2], [4]]].
        var y = Evaluate1("Transpose", [F([2, 1, 2], 1, 2, 3, 4)], Attributes(("perm", new long[] { 2, 0, 1 })));

        AssertFloats([2, 2, 1], y, 1, 3, 2, 4);
    }
}
