using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class ConstantOperatorTests
{
    [Fact]
    public void ConstantOfShape_ValueAttribute_FilledTensorOfThatShape()
    {
        var y = Evaluate1("ConstantOfShape", [L([2], 2, 3)], Attributes(("value", F([1], 7))));

        AssertFloats([2, 3], y, 7, 7, 7, 7, 7, 7);
    }

    [Fact]
    public void ConstantOfShape_NoValue_Float32Zeros()
    {
        var y = Evaluate1("ConstantOfShape", [L([1], 2)]);

        AssertFloats([2], y, 0, 0);
    }

    [Fact]
    public void Range_Int64_StartUpToLimitByDelta()
    {
        // ceil((7 - 1) / 2) = 3 elements.
        var y = Evaluate1("Range", [L([], 1), L([], 7), L([], 2)]);

        AssertInt64s([3], y, 1, 3, 5);
    }

    [Fact]
    public void Constant_ValueFloats_ThatVector()
    {
        var y = Evaluate1("Constant", [], Attributes(("value_floats", new float[] { 1, 2.5f })));

        AssertFloats([2], y, 1, 2.5);
    }

    [Fact]
    public void Constant_ValueInt_Int64Scalar()
    {
        var y = Evaluate1("Constant", [], Attributes(("value_int", 5L)));

        AssertInt64s([], y, 5);
    }
}
