using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>LpNormalization against hand-worked norms (3-4-5 triangles).</summary>
public sealed class LpNormalizationOperatorTests
{
    [Fact]
    public void Evaluate_DefaultL2OnLastAxis_DividesEachRowByItsLength()
    {
        var y = Evaluate1("LpNormalization", [F([2, 2], 3, 4, -6, 8)]);

        AssertFloats([2, 2], y, 0.6, 0.8, -0.6, 0.8);
    }

    [Fact]
    public void Evaluate_L1OnAxis0_DividesEachColumnBySumOfMagnitudes()
    {
        var y = Evaluate1("LpNormalization", [F([2, 2], 1, -2, 3, 2)], Attributes(("axis", 0L), ("p", 1L)));

        AssertFloats([2, 2], y, 0.25, -0.5, 0.75, 0.5);
    }

    [Fact]
    public void ParseAttributes_P3_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() => Evaluate1("LpNormalization", [F([2], 1, 2)], Attributes(("p", 3L))));
    }
}
