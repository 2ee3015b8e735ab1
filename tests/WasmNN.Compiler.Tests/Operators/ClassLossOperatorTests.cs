using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss against the ONNX specification's formulas, evaluated by
/// hand in Python (math.exp/math.log, printed as literals).
/// </summary>
public sealed class ClassLossOperatorTests
{
    // log-probabilities [N=3, C=3].
    private static Tensor LogProbabilities() => F([3, 3], -0.5f, -1.2f, -2.0f, -0.1f, -3.0f, -0.7f, -1.5f, -0.2f, -0.9f);

    [Fact]
    public void NegativeLogLikelihoodLoss_MeanWithWeightAndNegativeIgnoreIndex_WeightedMeanOfTheKeptTargets()
    {
        // -(x[0,2] * w[2] + x[2,0] * w[0]) / (w[2] + w[0]) = -(-2.0 * 2 + -1.5 * 0.5) / 2.5 = 1.9; the -1 target counts for nothing.
        var loss = Evaluate1("NegativeLogLikelihoodLoss", [LogProbabilities(), L([3], 2, -1, 0), F([3], 0.5f, 1, 2)], Attributes(("ignore_index", -1L)), opset: 13);

        AssertFloats([], loss, 1.9);
    }

    [Fact]
    public void NegativeLogLikelihoodLoss_NoReduction_NegatedPickedLogProbabilityPerTarget()
    {
        var loss = Evaluate1("NegativeLogLikelihoodLoss", [LogProbabilities(), L([3], 1, 0, 2)], Attributes(("reduction", "none")), opset: 13);

        AssertFloats([3], loss, 1.2, 0.1, 0.9);
    }

    [Fact]
    public void SoftmaxCrossEntropyLoss_NCd1Sum_LogSoftmaxAlongTheClassAxisAndSummedLoss()
    {
        // scores [N=1, C=2, d1=2]; log_prob[c, d] = s[c, d] - logsumexp_c(s[:, d]); labels [1, 0].
        var scores = F([1, 2, 2], 0.3f, -1.0f, 1.7f, 0.0f);

        var outputs = Evaluate("SoftmaxCrossEntropyLoss", [scores, L([1, 2], 1, 0)], Attributes(("reduction", "sum")), opset: 13);

        AssertFloats([], outputs[0], 1.5336790974366739);
        AssertFloats([1, 2, 2], outputs[1], -1.620417409918451, -1.3132616875182228, -0.22041740991845105, -0.31326168751822286);
    }

    [Fact]
    public void SoftmaxCrossEntropyLoss_NoReductionIgnoredLabel_ZeroLossThere()
    {
        var scores = F([1, 2, 2], 0.3f, -1.0f, 1.7f, 0.0f);

        var loss = Evaluate1("SoftmaxCrossEntropyLoss", [scores, L([1, 2], 1, 5)], Attributes(("reduction", "none"), ("ignore_index", 5L)), opset: 13);

        AssertFloats([1, 2], loss, 0.22041740991845105, 0);
    }

    [Fact]
    public void NegativeLogLikelihoodLoss_UnknownReduction_OperatorException()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate1("NegativeLogLikelihoodLoss", [LogProbabilities(), L([3], 0, 0, 0)], Attributes(("reduction", "average")), opset: 13));

        Assert.Contains("reduction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeLogLikelihoodLoss_TargetShapeMismatch_OperatorException()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate1("NegativeLogLikelihoodLoss", [LogProbabilities(), L([2], 0, 0)], opset: 13));

        Assert.Contains("target shape", error.Message, StringComparison.Ordinal);
    }
}
