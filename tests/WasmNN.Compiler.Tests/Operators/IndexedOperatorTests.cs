using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>GatherElements, GatherND and ScatterND by reference evaluation, on the examples of the ONNX operator specs.</summary>
public sealed class IndexedOperatorTests
{
    [Fact]
    public void GatherElements_SpecExampleAxisOne_PicksWithinEachRow()
    {
        var y = Evaluate1("GatherElements", [F([2, 2], 1, 2, 3, 4), L([2, 2], 0, 0, 1, 0)], Attributes(("axis", 1L)));

        AssertFloats([2, 2], y, 1, 1, 4, 3);
    }

    [Fact]
    public void GatherElements_NegativeIndicesOnAxisZero_CountFromTheEnd()
    {
        // test_gather_elements_negative_indices: data 1..9 as 3x3, indices [[-1, -2, 0], [-2, 0, 0]].
        var y = Evaluate1("GatherElements", [F([3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9), L([2, 3], -1, -2, 0, -2, 0, 0)]);

        AssertFloats([2, 3], y, 7, 5, 3, 4, 2, 3);
    }

    [Fact]
    public void GatherElements_IndexOutsideTheAxis_IsRejected()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate1("GatherElements", [F([2, 2], 1, 2, 3, 4), L([1, 2], 0, 2)]));

        Assert.Contains("out of range", error.Message);
    }

    [Fact]
    public void GatherND_SpecExamples_SelectElementsRowsAndSlices()
    {
        AssertFloats([2], Evaluate1("GatherND", [F([2, 2], 0, 1, 2, 3), L([2, 2], 0, 0, 1, 1)]), 0, 3);
        AssertFloats([2, 2], Evaluate1("GatherND", [F([2, 2], 0, 1, 2, 3), L([2, 1], 1, 0)]), 2, 3, 0, 1);
        AssertFloats([2, 1, 2], Evaluate1("GatherND", [F([2, 2, 2], 0, 1, 2, 3, 4, 5, 6, 7), L([2, 1, 2], 0, 1, 1, 0)]), 2, 3, 4, 5);
    }

    [Fact]
    public void GatherND_BatchDimsOne_IndexesWithinEachBatch()
    {
        // Spec example 5: batch_dims = 1, data [[[0,1],[2,3]],[[4,5],[6,7]]], indices [[1],[0]].
        var y = Evaluate1("GatherND", [F([2, 2, 2], 0, 1, 2, 3, 4, 5, 6, 7), L([2, 1], 1, 0)], Attributes(("batch_dims", 1L)));

        AssertFloats([2, 2], y, 2, 3, 4, 5);
    }

    [Fact]
    public void ScatterND_SpecExampleOne_ReplacesTheIndexedElements()
    {
        var y = Evaluate1("ScatterND", [F([8], 1, 2, 3, 4, 5, 6, 7, 8), L([4, 1], 4, 3, 1, 7), F([4], 9, 10, 11, 12)]);

        AssertFloats([8], y, 1, 11, 3, 10, 9, 6, 7, 12);
    }

    [Theory]
    [InlineData("add", new double[] { 1, 2 + 11 + 5, 3, 4 + 10, 5 + 9, 6, 7, 8 })]
    [InlineData("mul", new double[] { 1, 2 * 11 * 5, 3, 4 * 10, 5 * 9, 6, 7, 8 })]
    [InlineData("max", new double[] { 1, 11, 3, 10, 9, 6, 7, 8 })]
    [InlineData("min", new double[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void ScatterND_Reduction_CombinesEveryUpdateIncludingRepeatedIndices(string reduction, double[] expected)
    {
        var y = Evaluate1("ScatterND", [F([8], 1, 2, 3, 4, 5, 6, 7, 8), L([4, 1], 4, 3, 1, 1), F([4], 9, 10, 11, 5)], Attributes(("reduction", reduction)));

        AssertFloats([8], y, expected);
    }

    [Fact]
    public void ScatterND_ReductionBeforeOpset16_IsRejected()
    {
        Assert.ThrowsAny<Exception>(() => Evaluate1("ScatterND", [F([2], 1, 2), L([1, 1], 0), F([1], 5)], Attributes(("reduction", "add")), opset: 13));
    }

    [Fact]
    public void ScatterND_UpdatesOfTheWrongShape_AreRejected()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate1("ScatterND", [F([2, 2], 1, 2, 3, 4), L([1, 1], 0), F([3], 5, 6, 7)]));

        Assert.Contains("updates", error.Message);
    }
}
