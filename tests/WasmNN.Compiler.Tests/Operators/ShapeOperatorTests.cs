using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class ShapeOperatorTests
{
    [Fact]
    public void Shape_WholeShape_Int64Dimensions()
    {
        var y = Evaluate1("Shape", [F([2, 3, 4], new float[24])]);

        AssertInt64s([3], y, 2, 3, 4);
    }

    [Fact]
    public void Shape_StartAndEnd_SliceOfTheDimensions()
    {
        var y = Evaluate1("Shape", [F([2, 3, 4], new float[24])], Attributes(("start", 1L), ("end", -1L)));

        AssertInt64s([1], y, 3);
    }

    [Fact]
    public void Size_Tensor_ElementCountAsScalar()
    {
        var y = Evaluate1("Size", [F([2, 3, 4], new float[24])]);

        AssertInt64s([], y, 24);
    }
}
