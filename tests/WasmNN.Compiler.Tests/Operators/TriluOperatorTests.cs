using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Trilu's reference evaluation on the examples of the ONNX operator specification (Trilu, opset 14).</summary>
public sealed class TriluOperatorTests
{
    private static readonly float[] s_spec = [4, 7, 3, 7, 9, 1, 2, 8, 6, 9, 9, 4, 0, 8, 7, 4, 3, 4, 2, 4];

    [Fact]
    public void Evaluate_UpperWithPositiveK_ZeroesBelowTheShiftedDiagonal()
    {
        var y = Evaluate1("Trilu", [F([4, 5], s_spec), L([], 1)]);

        AssertFloats([4, 5], y, 0, 7, 3, 7, 9, 0, 0, 8, 6, 9, 0, 0, 0, 8, 7, 0, 0, 0, 0, 4);
    }

    [Fact]
    public void Evaluate_LowerWithNegativeK_KeepsBelowTheShiftedDiagonal()
    {
        var y = Evaluate1("Trilu", [F([4, 5], s_spec), L([], -1)], Attributes(("upper", 0L)));

        AssertFloats([4, 5], y, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 9, 4, 0, 0, 0, 4, 3, 4, 0, 0);
    }

    [Fact]
    public void Evaluate_BatchedInt64WithoutK_AppliesToEachMatrix()
    {
        var y = Evaluate1("Trilu", [L([2, 2, 2], 1, 2, 3, 4, 5, 6, 7, 8)]);

        AssertInt64s([2, 2, 2], y, 1, 2, 0, 4, 5, 6, 0, 8);
    }

    [Fact]
    public void InferTypes_RankOne_Throws()
    {
        Assert.Throws<OperatorException>(() => Evaluate1("Trilu", [F([3], 1, 2, 3)]));
    }
}
