using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>The Reduce* operators over axis 1 of x[2,3] (axes as an input, opset 18), against their formulas.</summary>
public sealed class ReduceOperatorTests
{
    private static readonly float[] s_x = [1, -2, 3, -4, 5, 6];

    private static readonly Dictionary<string, Func<double[], double>> s_formulas = new()
    {
        ["ReduceMean"] = v => v.Average(),
        ["ReduceSum"] = v => v.Sum(),
        ["ReduceMax"] = v => v.Max(),
        ["ReduceMin"] = v => v.Min(),
        ["ReduceProd"] = v => v.Aggregate(1.0, (p, x) => p * x),
        ["ReduceSumSquare"] = v => v.Sum(x => x * x),
        ["ReduceL1"] = v => v.Sum(Math.Abs),
        ["ReduceL2"] = v => Math.Sqrt(v.Sum(x => x * x)),
        ["ReduceLogSumExp"] = v => Math.Log(v.Sum(Math.Exp)),
        ["ReduceLogSum"] = v => Math.Log(v.Sum()),
    };

    public static TheoryData<string> Operators => [.. s_formulas.Keys];

    [Theory]
    [MemberData(nameof(Operators))]
    public void Evaluate_AxisOneKeepDims_OneValuePerRow(string opType)
    {
        var y = Evaluate1(opType, [F([2, 3], s_x), L([1], 1)]);

        // Row sums are 2 and 7, so ReduceLogSum is defined.
        AssertFloats([2, 1], y, s_formulas[opType]([1, -2, 3]), s_formulas[opType]([-4, 5, 6]));
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void Evaluate_NoAxesNoKeepDims_ScalarOverEverything(string opType)
    {
        var y = Evaluate1(opType, [F([2, 3], s_x)], Attributes(("keepdims", 0L)));

        AssertFloats([], y, s_formulas[opType]([.. s_x.Select(v => (double)v)]));
    }

    [Fact]
    public void ReduceMean_AxesAttributeBeforeOpset18_ReducesThatAxis()
    {
        var y = Evaluate1("ReduceMean", [F([2, 3], s_x)], Attributes(("axes", new long[] { 0 })), opset: 13);

        AssertFloats([1, 3], y, -1.5, 1.5, 4.5);
    }
}
