using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>IsNaN and IsInf on the examples of the ONNX operator specification.</summary>
public sealed class FloatClassOperatorTests
{
    [Fact]
    public void IsNaN_SpecExample_TrueOnlyForNaN()
    {
        var y = Evaluate1("IsNaN", [F([6], -1.2f, float.NaN, float.PositiveInfinity, 2.8f, float.NegativeInfinity, float.PositiveInfinity)], opset: 13);

        AssertBools([6], y, false, true, false, false, false, false);
    }

    [Fact]
    public void IsInf_DefaultAttributes_TrueForBothInfinities()
    {
        var y = Evaluate1("IsInf", [F([6], -1.2f, 1, float.PositiveInfinity, 2.8f, float.NegativeInfinity, float.PositiveInfinity)], opset: 10);

        AssertBools([6], y, false, false, true, false, true, true);
    }

    [Theory]
    [InlineData(1L, 0L, new[] { false, false, true, false, false, true })]
    [InlineData(0L, 1L, new[] { false, false, false, false, true, false })]
    public void IsInf_OneSignDetected_TrueOnlyForThatInfinity(long positive, long negative, bool[] expected)
    {
        var x = F([6], -1.7f, float.NaN, float.PositiveInfinity, 3.6f, float.NegativeInfinity, float.PositiveInfinity);

        var y = Evaluate1("IsInf", [x], Attributes(("detect_positive", positive), ("detect_negative", negative)), opset: 10);

        AssertBools([6], y, expected);
    }

    [Fact]
    public void IsNaN_Int64Input_OperatorException()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate1("IsNaN", [L([2], 1, 2)], opset: 13));

        Assert.Contains("float", error.Message, StringComparison.Ordinal);
    }
}
