using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Sum, Max, Min and Mean over three broadcast inputs: a[2,2], b[2] along the rows, c[1] everywhere.</summary>
public sealed class VariadicOperatorTests
{
    private static readonly float[] s_a = [1, 5, -3, 0];
    private static readonly float[] s_b = [2, -2];
    private const float C = 4;

    private static readonly Dictionary<string, Func<double, double, double, double>> s_formulas = new()
    {
        ["Sum"] = (a, b, c) => a + b + c,
        ["Max"] = (a, b, c) => Math.Max(a, Math.Max(b, c)),
        ["Min"] = (a, b, c) => Math.Min(a, Math.Min(b, c)),
        ["Mean"] = (a, b, c) => (a + b + c) / 3,
    };

    public static TheoryData<string> Operators => [.. s_formulas.Keys];

    [Theory]
    [MemberData(nameof(Operators))]
    public void Evaluate_ThreeBroadcastInputs_FollowsTheFormula(string opType)
    {
        var y = Evaluate1(opType, [F([2, 2], s_a), F([2], s_b), F([1], C)]);

        AssertFloats([2, 2], y, [.. s_a.Select((a, i) => s_formulas[opType](a, s_b[i % 2], C))]);
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void Evaluate_OneInput_IsThatInput(string opType)
    {
        var y = Evaluate1(opType, [F([2], 3, -1)]);

        AssertFloats([2], y, 3, -1);
    }
}
