using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class GatherOperatorTests
{
    // data = [[1, 2], [3, 4], [5, 6]]
    private static readonly float[] s_data = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void Evaluate_AxisZero_PicksRows()
    {
        var y = Evaluate1("Gather", [F([3, 2], s_data), L([2], 2, 0)]);

        AssertFloats([2, 2], y, 5, 6, 1, 2);
    }

    [Fact]
    public void Evaluate_NegativeIndexOnAxisOne_CountsFromTheEnd()
    {
        var y = Evaluate1("Gather", [F([3, 2], s_data), L([1], -1)], Attributes(("axis", 1L)));

        AssertFloats([3, 1], y, 2, 4, 6);
    }

    [Fact]
    public void Evaluate_ScalarIndex_DropsTheAxis()
    {
        var y = Evaluate1("Gather", [F([3, 2], s_data), L([], 1)]);

        AssertFloats([2], y, 3, 4);
    }
}
