using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class ConcatOperatorTests
{
    [Fact]
    public void Evaluate_AxisZero_StacksRows()
    {
        var y = Evaluate1("Concat", [F([1, 2], 1, 2), F([2, 2], 3, 4, 5, 6)], Attributes(("axis", 0L)));

        AssertFloats([3, 2], y, 1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Evaluate_NegativeAxis_JoinsColumns()
    {
        var y = Evaluate1("Concat", [F([2, 1], 1, 2), F([2, 2], 3, 4, 5, 6)], Attributes(("axis", -1L)));

        AssertFloats([2, 3], y, 1, 3, 4, 2, 5, 6);
    }
}
