using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class SplitOperatorTests
{
    [Fact]
    public void Evaluate_SizesInput_PartsOfThoseSizes()
    {
        var parts = Evaluate("Split", [F([5], 1, 2, 3, 4, 5), L([2], 2, 3)], new AttributeBag() { OutputCount = 2 });

        AssertFloats([2], parts[0], 1, 2);
        AssertFloats([3], parts[1], 3, 4, 5);
    }

    [Fact]
    public void Evaluate_NumOutputsUneven_LastPartSmaller()
    {
        // Opset 18: ceil(5 / 2) = 3 elements per part, the last gets the rest.
        var parts = Evaluate("Split", [F([5], 1, 2, 3, 4, 5)], new AttributeBag(("num_outputs", 2L)) { OutputCount = 2 });

        AssertFloats([3], parts[0], 1, 2, 3);
        AssertFloats([2], parts[1], 4, 5);
    }

    [Fact]
    public void Evaluate_AxisOneEqualParts_SplitsColumns()
    {
        var parts = Evaluate("Split", [F([2, 2], 1, 2, 3, 4)], new AttributeBag(("axis", 1L)) { OutputCount = 2 });

        AssertFloats([2, 1], parts[0], 1, 3);
        AssertFloats([2, 1], parts[1], 2, 4);
    }
}
