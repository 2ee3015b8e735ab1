using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Hardmax on the ONNX specification's examples (numpy: one-hot of argmax, first index on ties).</summary>
public sealed class HardmaxOperatorTests
{
    [Fact]
    public void Evaluate_SpecExample_OneAtEachRowsMaximum()
    {
        var y = Evaluate1("Hardmax", [F([4, 4], 3, 0, 1, 2, 2, 5, 1, 0, 0, 1, 3, 2, 0, 1, 2, 3)]);

        AssertFloats([4, 4], y, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    }

    [Fact]
    public void Evaluate_Ties_TheFirstMaximumWins()
    {
        var y = Evaluate1("Hardmax", [F([1, 4], 1, 1, 1, 1)]);

        AssertFloats([1, 4], y, 1, 0, 0, 0);
    }

    [Fact]
    public void Evaluate_Axis0AtOpset13_ComparesDownColumns()
    {
        var y = Evaluate1("Hardmax", [F([2, 3], 1, 5, 2, 4, 0, 2)], Attributes(("axis", 0L)));

        AssertFloats([2, 3], y, 0, 1, 1, 1, 0, 0);
    }

    [Fact]
    public void Evaluate_Axis0BeforeOpset13_OneMaximumOverTheWholeCoercedRow()
    {
        // Opset 11 views [2, 3] at axis 0 as one row of 6 elements.
        var y = Evaluate1("Hardmax", [F([2, 3], 1, 5, 2, 4, 0, 2)], Attributes(("axis", 0L)), opset: 11);

        AssertFloats([2, 3], y, 0, 1, 0, 0, 0, 0);
    }
}
