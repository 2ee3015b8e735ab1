using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>BatchNormalization, InstanceNormalization, LayerNormalization, Softmax and LogSoftmax against their formulas.</summary>
public sealed class NormalizationOperatorTests
{
    [Fact]
    public void BatchNormalization_PerChannelStatistics_ScalesAndShifts()
    {
        // y = scale (x - mean) / sqrt(var + eps) + B with eps 0: channel 0 (x 1, 2; mean 1, var 4) -> 0, 0.5;
        // channel 1 (x 3, 4; scale 2, B 1, mean 3, var 1) -> 1, 3.
        var y = Evaluate1("BatchNormalization",
            [F([1, 2, 1, 2], 1, 2, 3, 4), F([2], 1, 2), F([2], 0, 1), F([2], 1, 3), F([2], 4, 1)], Attributes(("epsilon", 0f)));

        AssertFloats([1, 2, 1, 2], y, 0, 0.5, 1, 3);
    }

    [Fact]
    public void InstanceNormalization_PerChannelOfEachSample_Normalises()
    {
        // Channel 0 (1, 3): mean 2, variance 1; channel 1 (5, 5): mean 5, variance 0. eps 1e-5 (the default).
        var eps = (double)1e-5f;
        var y = Evaluate1("InstanceNormalization", [F([1, 2, 2], 1, 3, 5, 5), F([2], 2, 1), F([2], 0, 7)]);

        AssertFloats([1, 2, 2], y, -2 / Math.Sqrt(1 + eps), 2 / Math.Sqrt(1 + eps), 7, 7);
    }

    [Fact]
    public void LayerNormalization_LastAxis_NormalisesEachRow()
    {
        // Row (1, 3): mean 2, variance 1; row (2, 2): mean 2, variance 0. y = (x - mean) / sqrt(var + eps) · scale + bias.
        var eps = (double)1e-5f;
        var y = Evaluate1("LayerNormalization", [F([2, 2], 1, 3, 2, 2), F([2], 1, 2), F([2], 0, 1)]);

        AssertFloats([2, 2], y, -1 / Math.Sqrt(1 + eps), 2 / Math.Sqrt(1 + eps) + 1, 0, 1);
    }

    [Fact]
    public void Softmax_LastAxis_ExponentialsOverTheirSum()
    {
        var sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);

        var y = Evaluate1("Softmax", [F([2, 3], 1, 2, 3, 0, 0, 0)]);

        AssertFloats([2, 3], y, Math.Exp(1) / sum, Math.Exp(2) / sum, Math.Exp(3) / sum, 1 / 3.0, 1 / 3.0, 1 / 3.0);
    }

    [Fact]
    public void LogSoftmax_LastAxis_LogOfSoftmax()
    {
        var logSum = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));

        var y = Evaluate1("LogSoftmax", [F([2, 3], 1, 2, 3, 0, 0, 0)]);

        AssertFloats([2, 3], y, 1 - logSum, 2 - logSum, 3 - logSum, -Math.Log(3), -Math.Log(3), -Math.Log(3));
    }
}
