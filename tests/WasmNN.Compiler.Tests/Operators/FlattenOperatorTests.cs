using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class FlattenOperatorTests
{
    [Fact]
    public void Evaluate_AxisTwo_JoinsLeadingAndTrailingDimensions()
    {
        var y = Evaluate1("Flatten", [F([2, 3, 2], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)], Attributes(("axis", 2L)));

        AssertFloats([6, 2], y, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    [Fact]
    public void Evaluate_DefaultAxis_KeepsTheBatch()
    {
        var y = Evaluate1("Flatten", [F([2, 1, 2], 1, 2, 3, 4)]);

        AssertFloats([2, 2], y, 1, 2, 3, 4);
    }
}
