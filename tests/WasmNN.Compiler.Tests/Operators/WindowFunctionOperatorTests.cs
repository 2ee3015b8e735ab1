using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>The opset-17 window functions against closed-form values (numpy.hanning/blackman for the symmetric ones).</summary>
public sealed class WindowFunctionOperatorTests
{
    [Fact]
    public void HannWindow_Periodic_IsZeroHalfOneHalf()
    {
        var y = Evaluate1("HannWindow", [L([], 4)]);

        AssertFloats([4], y, 0, 0.5, 1, 0.5);
    }

    [Fact]
    public void HannWindow_Symmetric_MatchesNumpyHanning()
    {
        // numpy.hanning(5).
        var y = Evaluate1("HannWindow", [L([], 5)], Attributes(("periodic", 0L)));

        AssertFloats([5], y, 0, 0.5, 1, 0.5, 0);
    }

    [Fact]
    public void HammingWindow_Symmetric_UsesOnnxCoefficients()
    {
        // 25/46 - 21/46 at the ends, 1 in the middle.
        var y = Evaluate1("HammingWindow", [L([], 3)], Attributes(("periodic", 0L)));

        AssertFloats([3], y, 4.0 / 46, 1, 4.0 / 46);
    }

    [Fact]
    public void BlackmanWindow_PeriodicWithDoubleOutput_MatchesTheFormula()
    {
        // 0.42 - 0.5 cos(pi n / 2) + 0.08 cos(pi n); output_datatype 11 is DOUBLE.
        var y = Evaluate1("BlackmanWindow", [L([], 4)], Attributes(("output_datatype", 11L)));

        AssertTensor([4], WasmNN.Compiler.IR.DataType.Float64, [0, 0.34, 1, 0.34], y, 1e-12);
    }
}
