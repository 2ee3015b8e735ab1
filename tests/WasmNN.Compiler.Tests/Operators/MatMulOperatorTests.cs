using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class MatMulOperatorTests
{
    [Fact]
    public void Evaluate_BatchedLeftSharedRight_BroadcastsTheMatrix()
    {
        // [1, 2]·[5, 6]ᵀ = 17 and [3, 4]·[5, 6]ᵀ = 39.
        var y = Evaluate1("MatMul", [F([2, 1, 2], 1, 2, 3, 4), F([2, 1], 5, 6)]);

        AssertFloats([2, 1, 1], y, 17, 39);
    }

    [Fact]
    public void Evaluate_VectorTimesMatrix_DropsThePrependedAxis()
    {
        // numpy: a 1-D left operand is a row, removed from the result: [1, 2]·[[1, 2], [3, 4]] = [7, 10].
        var y = Evaluate1("MatMul", [F([2], 1, 2), F([2, 2], 1, 2, 3, 4)]);

        AssertFloats([2], y, 7, 10);
    }
}
