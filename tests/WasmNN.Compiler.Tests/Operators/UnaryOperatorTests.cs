using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>The one-input elementwise operators: each against its ONNX formula computed with System.Math.</summary>
public sealed class UnaryOperatorTests
{
    // Halves and zero on purpose: they tell Round's half-to-even, Sign(0), ThresholdedRelu's strict '>' apart.
    private static readonly float[] s_signed = [-2.5f, -0.5f, 0f, 0.5f, 1.5f, 3f];
    private static readonly float[] s_positive = [0.25f, 1f, 4f, 0.5f, 2f, 9f];
    private static readonly float[] s_unit = [-0.99f, -0.5f, 0f, 0.25f, 0.5f, 0.875f];
    private static readonly float[] s_atLeastOne = [1f, 1.25f, 2f, 4f, 10f, 3000f];

    private static readonly Dictionary<string, (AttributeBag? Attributes, float[] Input, Func<double, double> Formula)> s_cases = new()
    {
        ["Abs"] = (null, s_signed, Math.Abs),
        ["Acos"] = (null, s_unit, Math.Acos),
        ["Acosh"] = (null, s_atLeastOne, Math.Acosh),
        ["Asin"] = (null, s_unit, Math.Asin),
        ["Asinh"] = (null, s_signed, Math.Asinh),
        ["Atan"] = (null, s_signed, Math.Atan),
        ["Atanh"] = (null, s_unit, Math.Atanh),
        ["Cosh"] = (null, s_signed, Math.Cosh),
        ["Sinh"] = (null, s_signed, Math.Sinh),
        ["Tan"] = (null, s_signed, Math.Tan),
        ["Ceil"] = (null, s_signed, Math.Ceiling),
        ["Celu"] = (Attributes(("alpha", 2f)), s_signed, x => Math.Max(0, x) + Math.Min(0, 2 * (Math.Exp(x / 2) - 1))),
        ["Cos"] = (null, s_signed, Math.Cos),
        ["Elu"] = (Attributes(("alpha", 0.5f)), s_signed, x => x > 0 ? x : 0.5 * (Math.Exp(x) - 1)),
        ["Exp"] = (null, s_signed, Math.Exp),
        ["Floor"] = (null, s_signed, Math.Floor),
        ["HardSigmoid"] = (Attributes(("alpha", 0.5f), ("beta", 0.25f)), s_signed, x => Math.Max(0, Math.Min(1, 0.5 * x + 0.25))),
        ["HardSwish"] = (null, s_signed, x => x * Math.Max(0, Math.Min(1, x / 6 + 0.5))),
        ["LeakyRelu"] = (Attributes(("alpha", 0.1f)), s_signed, x => x >= 0 ? x : 0.1f * x),
        ["Log"] = (null, s_positive, Math.Log),
        ["Neg"] = (null, s_signed, x => -x),
        ["Reciprocal"] = (null, s_positive, x => 1 / x),
        ["Relu"] = (null, s_signed, x => Math.Max(0, x)),
        ["Round"] = (null, s_signed, x => Math.Round(x, MidpointRounding.ToEven)),
        ["Selu"] = (Attributes(("alpha", 1.5f), ("gamma", 2f)), s_signed, x => x > 0 ? 2 * x : 2 * (1.5 * Math.Exp(x) - 1.5)),
        ["Sigmoid"] = (null, s_signed, x => 1 / (1 + Math.Exp(-x))),
        ["Sign"] = (null, s_signed, x => Math.Sign(x)),
        ["Sin"] = (null, s_signed, Math.Sin),
        ["Softplus"] = (null, s_signed, x => Math.Log(Math.Exp(x) + 1)),
        ["Softsign"] = (null, s_signed, x => x / (1 + Math.Abs(x))),
        ["Sqrt"] = (null, s_positive, Math.Sqrt),
        ["Tanh"] = (null, s_signed, Math.Tanh),
        ["ThresholdedRelu"] = (Attributes(("alpha", 0.5f)), s_signed, x => x > 0.5 ? x : 0),
        // Shrink's spec formula with lambd = 0.5: the bias moves values beyond +-lambd toward zero, the rest become 0.
        ["Shrink"] = (Attributes(("lambd", 0.5f), ("bias", 0.25f)), s_signed, x => x < -0.5 ? x + 0.25 : x > 0.5 ? x - 0.25 : 0),
        ["Mish"] = (null, s_signed, x => x * Math.Tanh(Math.Log(1 + Math.Exp(x)))),
    };

    public static TheoryData<string> Operators => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Operators))]
    public void Evaluate_SmallMatrix_FollowsTheOnnxFormulaAndKeepsTheShape(string opType)
    {
        var (attributes, input, formula) = s_cases[opType];

        var y = Evaluate1(opType, [F([2, 3], input)], attributes);

        AssertFloats([2, 3], y, [.. input.Select(x => formula(x))]);
    }

    [Fact]
    public void Erf_TableValues_MatchAbramowitzStegun()
    {
        // erf(0.5) and erf(2) from Abramowitz & Stegun table 7.1; erf is odd.
        var y = Evaluate1("Erf", [F([5], -2f, -0.5f, 0f, 0.5f, 2f)]);

        AssertFloats([5], y, -0.9953222650, -0.5204998778, 0, 0.5204998778, 0.9953222650);
    }

    [Fact]
    public void Clip_MinAndMaxInputs_Clamps()
    {
        var y = Evaluate1("Clip", [F([4], -2f, 0f, 1.5f, 3f), F([], -1f), F([], 2f)]);

        AssertFloats([4], y, -1, 0, 1.5, 2);
    }

    [Fact]
    public void Clip_NoBounds_Unchanged()
    {
        var y = Evaluate1("Clip", [F([2], -7f, 7f)]);

        AssertFloats([2], y, -7, 7);
    }

    [Fact]
    public void Cast_FloatToInt32_TruncatesTowardZero()
    {
        var y = Evaluate1("Cast", [F([3], 1.7f, -1.7f, 2.5f)], Attributes(("to", 6L)));

        AssertTensor([3], DataType.Int32, [1, -1, 2], y);
    }

    [Fact]
    public void Cast_Int64ToFloat_ExactSmallIntegers()
    {
        var y = Evaluate1("Cast", [L([2], -3, 1 << 20)], Attributes(("to", 1L)));

        AssertFloats([2], y, -3, 1 << 20);
    }
}
