using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>ScatterElements and its former name Scatter on the ONNX specification's examples.</summary>
public sealed class ScatterElementsOperatorTests
{
    [Fact]
    public void Evaluate_SpecExampleAxis0_WritesEachUpdateAtItsIndexedRow()
    {
        var y = Evaluate1("ScatterElements", [F([3, 3], new float[9]), L([2, 3], 1, 0, 2, 0, 2, 1), F([2, 3], 1f, 1.1f, 1.2f, 2f, 2.1f, 2.2f)]);

        AssertFloats([3, 3], y, 2, 1.1, 0, 1, 0, 2.2, 0, 2.1, 1.2);
    }

    [Fact]
    public void Evaluate_SpecExampleAxis1_WritesIntoTheRow()
    {
        var y = Evaluate1("ScatterElements", [F([1, 5], 1, 2, 3, 4, 5), L([1, 2], 1, 3), F([1, 2], 1.1f, 2.1f)], Attributes(("axis", 1L)));

        AssertFloats([1, 5], y, 1, 1.1, 3, 2.1, 5);
    }

    [Fact]
    public void Evaluate_DuplicateIndicesWithAdd_SumsBothUpdates()
    {
        // The specification's scatter_elements_with_duplicate_indices: 2 + 1.1 + 2.1.
        var y = Evaluate1("ScatterElements", [F([1, 5], 1, 2, 3, 4, 5), L([1, 2], 1, 1), F([1, 2], 1.1f, 2.1f)],
            Attributes(("axis", 1L), ("reduction", "add")));

        AssertFloats([1, 5], y, 1, 5.2, 3, 4, 5);
    }

    [Fact]
    public void Evaluate_NegativeIndex_CountsFromTheEnd()
    {
        var y = Evaluate1("ScatterElements", [F([1, 5], 1, 2, 3, 4, 5), L([1, 2], 1, -3), F([1, 2], 1.1f, 2.1f)], Attributes(("axis", 1L)));

        AssertFloats([1, 5], y, 1, 1.1, 2.1, 4, 5);
    }

    [Fact]
    public void Scatter_Opset10_BehavesAsScatterElements()
    {
        var y = Evaluate1("Scatter", [F([3, 3], new float[9]), L([2, 3], 1, 0, 2, 0, 2, 1), F([2, 3], 1f, 1.1f, 1.2f, 2f, 2.1f, 2.2f)], opset: 10);

        AssertFloats([3, 3], y, 2, 1.1, 0, 1, 0, 2.2, 0, 2.1, 1.2);
    }

    [Fact]
    public void InferTypes_UpdatesShapeDiffersFromIndices_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() =>
            Evaluate1("ScatterElements", [F([1, 5], 1, 2, 3, 4, 5), L([1, 2], 1, 3), F([1, 3], 1f, 2f, 3f)]));
    }
}
