using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class ReshapeOperatorTests
{
    [Fact]
    public void Evaluate_InferredDimension_RowMajorOrderKept()
    {
        var y = Evaluate1("Reshape", [F([2, 3], 1, 2, 3, 4, 5, 6), L([2], 3, -1)]);

        AssertFloats([3, 2], y, 1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Evaluate_ZeroCopiesTheInputDimension()
    {
        // allowzero 0 (default): a 0 in the target copies that dimension of the input.
        var y = Evaluate1("Reshape", [F([2, 3], 1, 2, 3, 4, 5, 6), L([3], 0, 3, 1)]);

        AssertFloats([2, 3, 1], y, 1, 2, 3, 4, 5, 6);
    }
}
