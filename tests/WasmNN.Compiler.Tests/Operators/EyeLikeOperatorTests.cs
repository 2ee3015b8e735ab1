using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>EyeLike (opset 9) against numpy.eye(rows, cols, k, dtype), the specification's reference.</summary>
public sealed class EyeLikeOperatorTests
{
    [Fact]
    public void Evaluate_OffDiagonalK_PutsOnesAboveTheMainDiagonal()
    {
        // numpy.eye(3, 4, k=1).
        var y = Evaluate1("EyeLike", [F([3, 4], new float[12])], Attributes(("k", 1L)));

        AssertFloats([3, 4], y, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    }

    [Fact]
    public void Evaluate_DtypeAndNegativeK_TakesTheDtypeAndGoesBelow()
    {
        // numpy.eye(3, 2, k=-1, dtype=int64); dtype 7 is INT64.
        var y = Evaluate1("EyeLike", [F([3, 2], new float[6])], Attributes(("k", -1L), ("dtype", 7L)));

        AssertInt64s([3, 2], y, 0, 0, 1, 0, 0, 1);
    }

    [Fact]
    public void TryEvaluateFromShapes_RuntimeInputOfStaticShape_GivesTheConstant()
    {
        var op = OperatorRegistry.Resolve("EyeLike", Opset, "test");
        var attributes = op.ParseAttributes(AttributeBag.Empty, Opset);

        var y = op.TryEvaluateFromShapes(attributes, [new Value("x", DataType.Int32, [2, 2])]);

        Assert.NotNull(y);
        AssertTensor([2, 2], DataType.Int32, [1, 0, 0, 1], y[0]);
    }

    [Fact]
    public void InferTypes_RankThree_Throws()
    {
        Assert.Throws<OperatorException>(() => Evaluate1("EyeLike", [F([1, 1, 1], 0)]));
    }
}
