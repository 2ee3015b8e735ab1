using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class PadOperatorTests
{
    [Fact]
    public void Evaluate_ConstantMode_FillsWithTheValue()
    {
        // pads [x1_begin, x2_begin, x1_end, x2_end] = [1, 0, 0, 1]: a row of 9s on top, a column of 9s on the right.
        var y = Evaluate1("Pad", [F([2, 2], 1, 2, 3, 4), L([4], 1, 0, 0, 1), F([], 9)]);

        AssertFloats([3, 3], y, 9, 9, 9, 1, 2, 9, 3, 4, 9);
    }

    [Fact]
    public void Evaluate_EdgeMode_RepeatsTheBorder()
    {
        var y = Evaluate1("Pad", [F([3], 1, 2, 3), L([2], 2, 1)], Attributes(("mode", "edge")));

        AssertFloats([6], y, 1, 1, 1, 2, 3, 3);
    }

    [Fact]
    public void Evaluate_ReflectMode_MirrorsWithoutTheBorder()
    {
        var y = Evaluate1("Pad", [F([3], 1, 2, 3), L([2], 2, 1)], Attributes(("mode", "reflect")));

        AssertFloats([6], y, 3, 2, 1, 2, 3, 2);
    }
}
