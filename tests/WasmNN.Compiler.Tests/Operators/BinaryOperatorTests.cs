using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>The broadcasting two-input arithmetic and comparison operators against their formulas.</summary>
public sealed class BinaryOperatorTests
{
    // a[2,3] with b[3] broadcast along the rows (numpy rules): element (i, j) pairs a[i, j] with b[j].
    private static readonly float[] s_a = [1, 2, 3, 4, 5, 6];
    private static readonly float[] s_b = [2, 0.5f, -1];

    private static readonly Dictionary<string, Func<double, double, double>> s_arithmetic = new()
    {
        ["Add"] = (a, b) => a + b,
        ["Sub"] = (a, b) => a - b,
        ["Mul"] = (a, b) => a * b,
        ["Div"] = (a, b) => a / b,
        ["Pow"] = Math.Pow,
    };

    private static readonly Dictionary<string, Func<double, double, bool>> s_comparisons = new()
    {
        ["Equal"] = (a, b) => a == b,
        ["Less"] = (a, b) => a < b,
        ["Greater"] = (a, b) => a > b,
        ["LessOrEqual"] = (a, b) => a <= b,
        ["GreaterOrEqual"] = (a, b) => a >= b,
    };

    public static TheoryData<string> Arithmetic => [.. s_arithmetic.Keys];

    public static TheoryData<string> Comparisons => [.. s_comparisons.Keys];

    [Theory]
    [MemberData(nameof(Arithmetic))]
    public void Evaluate_RowBroadcast_FollowsTheFormula(string opType)
    {
        var y = Evaluate1(opType, [F([2, 3], s_a), F([3], s_b)]);

        AssertFloats([2, 3], y, [.. s_a.Select((a, i) => s_arithmetic[opType](a, s_b[i % 3]))]);
    }

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Evaluate_RowBroadcast_BooleanResult(string opType)
    {
        // b = [2, 4] against a = [[1, 2], [3, 4]]: equal, less and greater each occur.
        float[] a = [1, 2, 3, 4];
        float[] b = [2, 4];

        var y = Evaluate1(opType, [F([2, 2], a), F([2], b)]);

        AssertBools([2, 2], y, [.. a.Select((x, i) => s_comparisons[opType](x, b[i % 2]))]);
    }

    [Fact]
    public void Equal_Int64_ComparesIntegers()
    {
        var y = Evaluate1("Equal", [L([3], 1, 2, 3), L([1], 2)]);

        AssertBools([3], y, false, true, false);
    }

    [Fact]
    public void PRelu_SlopePerColumn_ScalesOnlyNegatives()
    {
        var y = Evaluate1("PRelu", [F([2, 2], -2, 3, -4, 5), F([2], 0.5f, 0.25f)]);

        AssertFloats([2, 2], y, -1, 3, -2, 5);
    }

    [Fact]
    public void Where_BroadcastElse_PicksByCondition()
    {
        var y = Evaluate1("Where", [B([3], true, false, true), F([3], 1, 2, 3), F([1], 10)]);

        AssertFloats([3], y, 1, 10, 3);
    }
}
