using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>OneHot (opset 11) against its specification: on at the index, off elsewhere, negative indices from depth.</summary>
public sealed class OneHotOperatorTests
{
    [Fact]
    public void Evaluate_DefaultAxis_AppendsTheDepthDimension()
    {
        var y = Evaluate1("OneHot", [L([3], 0, 2, -1), L([], 3), F([2], 0, 1)]);

        AssertFloats([3, 3], y, 1, 0, 0, 0, 0, 1, 0, 0, 1);
    }

    [Fact]
    public void Evaluate_Axis0WithCustomValues_PutsDepthFirst()
    {
        // Output [depth, 2]: column j is the one-hot of indices[j] with off = 2, on = 5.
        var y = Evaluate1("OneHot", [L([2], 1, 0), L([], 3), F([2], 2, 5)], Attributes(("axis", 0L)));

        AssertFloats([3, 2], y, 2, 5, 5, 2, 2, 2);
    }

    [Fact]
    public void Evaluate_IndexOutsideDepth_GivesARowOfOffValues()
    {
        var y = Evaluate1("OneHot", [L([2], 5, -4), L([], 3), F([2], 0, 1)]);

        AssertFloats([2, 3], y, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void InferTypes_ThreeValues_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() => Evaluate1("OneHot", [L([1], 0), L([], 3), F([3], 0, 1, 2)]));
    }
}
