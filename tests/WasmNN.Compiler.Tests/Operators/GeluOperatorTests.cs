using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Gelu (opset 20) against the spec formulas evaluated with Python's math.erf and math.tanh.</summary>
public sealed class GeluOperatorTests
{
    [Fact]
    public void Evaluate_Exact_IsHalfXTimesOnePlusErf()
    {
        var y = Evaluate1("Gelu", [F([3], 1, -1, 2.5f)], opset: 20);

        AssertFloats([3], y, 0.8413447460685429, -0.15865525393145707, 2.4844758366855597);
    }

    [Fact]
    public void Evaluate_TanhApproximation_UsesTheCubicTanhForm()
    {
        var y = Evaluate1("Gelu", [F([3], 1, -1, 2.5f)], Attributes(("approximate", "tanh")), opset: 20);

        AssertFloats([3], y, 0.8411919906082768, -0.15880800939172324, 2.484915733910001);
    }
}
