using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class TileOperatorTests
{
    [Fact]
    public void Evaluate_Repeats_CopiesAlongEachAxis()
    {
        var y = Evaluate1("Tile", [F([1, 2], 1, 2), L([2], 2, 2)]);

        AssertFloats([2, 4], y, 1, 2, 1, 2, 1, 2, 1, 2);
    }

    [Fact]
    public void Expand_BidirectionalBroadcast_GrowsBothOperands()
    {
        // x[3,1] against shape [1,2] -> [3,2]: each row repeated across two columns.
        var y = Evaluate1("Expand", [F([3, 1], 1, 2, 3), L([2], 1, 2)]);

        AssertFloats([3, 2], y, 1, 1, 2, 2, 3, 3);
    }
}
