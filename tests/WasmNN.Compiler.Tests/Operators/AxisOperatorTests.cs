using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>ArgMax, ArgMin, CumSum and TopK on the examples of the ONNX operator specification (and numpy where noted).</summary>
public sealed class AxisOperatorTests
{
    [Fact]
    public void ArgMax_KeepDimsAxis0_IndexOfTheLargestPerColumn()
    {
        var y = Evaluate1("ArgMax", [F([2, 2], 2, 1, 3, 10)], Attributes(("axis", 0L)));

        AssertInt64s([1, 2], y, 1, 1);
    }

    [Fact]
    public void ArgMax_SelectLastIndexOnTie_LastIndex()
    {
        // Spec example: [[2, 2], [3, 10]] along axis 1 with select_last_index -> [[1], [1]].
        var y = Evaluate1("ArgMax", [F([2, 2], 2, 2, 3, 10)], Attributes(("axis", 1L), ("select_last_index", 1L)));

        AssertInt64s([2, 1], y, 1, 1);
    }

    [Fact]
    public void ArgMin_NoKeepDimsTie_FirstIndex()
    {
        // numpy.argmin([[2, 1, 1], [3, 10, -4]], axis=1) == [1, 2].
        var y = Evaluate1("ArgMin", [F([2, 3], 2, 1, 1, 3, 10, -4)], Attributes(("axis", 1L), ("keepdims", 0L)));

        AssertInt64s([2], y, 1, 2);
    }

    [Theory]
    [InlineData(0L, 0L, new double[] { 1, 3, 6, 10, 15 })]
    [InlineData(1L, 0L, new double[] { 0, 1, 3, 6, 10 })]
    [InlineData(0L, 1L, new double[] { 15, 14, 12, 9, 5 })]
    [InlineData(1L, 1L, new double[] { 14, 12, 9, 5, 0 })]
    public void CumSum_ExclusiveReverse_SpecExamples(long exclusive, long reverse, double[] expected)
    {
        var y = Evaluate1("CumSum", [F([5], 1, 2, 3, 4, 5), L([], 0)], Attributes(("exclusive", exclusive), ("reverse", reverse)));

        AssertFloats([5], y, expected);
    }

    [Fact]
    public void CumSum_Int64AlongAxis0_SumsDownEachColumn()
    {
        // numpy.cumsum([[1, 2, 3], [4, 5, 6]], axis=0).
        var y = Evaluate1("CumSum", [L([2, 3], 1, 2, 3, 4, 5, 6), L([1], 0)]);

        AssertInt64s([2, 3], y, 1, 2, 3, 5, 7, 9);
    }

    [Fact]
    public void TopK_LargestThreeOfEachRow_ValuesAndIndicesBestFirst()
    {
        var x = F([3, 4], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

        var outputs = Evaluate("TopK", [x, L([1], 3)]);

        AssertFloats([3, 3], outputs[0], 3, 2, 1, 7, 6, 5, 11, 10, 9);
        AssertInt64s([3, 3], outputs[1], 3, 2, 1, 3, 2, 1, 3, 2, 1);
    }

    [Fact]
    public void TopK_EqualValues_LowerIndexFirst()
    {
        var outputs = Evaluate("TopK", [F([5], 1, 3, 3, 2, 3), L([1], 2)]);

        AssertFloats([2], outputs[0], 3, 3);
        AssertInt64s([2], outputs[1], 1, 2);
    }

    [Fact]
    public void TopK_SmallestAlongAxis0Opset1_KFromTheAttribute()
    {
        var outputs = Evaluate("TopK", [F([3, 2], 5, 1, 2, 4, 3, 0)], Attributes(("k", 2L), ("axis", 0L)), opset: 1);
        var smallest = Evaluate("TopK", [F([3, 2], 5, 1, 2, 4, 3, 0), L([1], 2)], Attributes(("axis", 0L), ("largest", 0L)), opset: 11);

        AssertFloats([2, 2], outputs[0], 5, 4, 3, 1);
        AssertInt64s([2, 2], outputs[1], 0, 1, 2, 0);
        AssertFloats([2, 2], smallest[0], 2, 0, 3, 1);
        Assert.Equal(DataType.Int64, smallest[1].DataType);
        AssertInt64s([2, 2], smallest[1], 1, 2, 2, 0);
    }
}
