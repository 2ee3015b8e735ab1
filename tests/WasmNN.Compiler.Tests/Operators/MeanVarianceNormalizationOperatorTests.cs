using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>MeanVarianceNormalization against the specification's function, worked by hand.</summary>
public sealed class MeanVarianceNormalizationOperatorTests
{
    [Fact]
    public void Evaluate_DefaultAxes_NormalisesEachChannelOverBatchAndSpace()
    {
        // Channel 0 holds 1, 3 (mean 2, deviation 1); channel 1 holds 10, 10, 10, 10 split over batch (deviation 0).
        var y = Evaluate1("MeanVarianceNormalization", [F([2, 2, 1, 1], 1, 10, 3, 10)]);

        AssertFloats([2, 2, 1, 1], y, -1, 0, 1, 0);
    }

    [Fact]
    public void Evaluate_LastAxis_NormalisesEachRow()
    {
        // Row 0: 0, 2, 4 has mean 2 and deviation sqrt(8/3).
        var y = Evaluate1("MeanVarianceNormalization", [F([2, 3], 0, 2, 4, 5, 5, 5)], Attributes(("axes", new long[] { 1 })));

        var d = Math.Sqrt(8.0 / 3);
        AssertFloats([2, 3], y, -2 / d, 0, 2 / d, 0, 0, 0);
    }
}
