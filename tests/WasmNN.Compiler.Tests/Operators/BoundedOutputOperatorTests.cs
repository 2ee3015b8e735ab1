using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// The reference evaluations of the operators whose output length depends on the data, on the examples of the ONNX
/// operator specification (NonZero, Compress, NonMaxSuppression).
/// </summary>
public sealed class BoundedOutputOperatorTests
{
    [Fact]
    public void NonZero_SpecExample_GivesCoordinatesPerAxis()
    {
        var y = Evaluate1("NonZero", [B([2, 2], true, false, true, true)]);

        AssertInt64s([2, 3], y, 0, 1, 1, 0, 0, 1);
    }

    [Fact]
    public void Compress_AlongAxisZero_KeepsTheTrueRows()
    {
        var y = Evaluate1("Compress", [F([3, 2], 1, 2, 3, 4, 5, 6), B([3], false, true, true)], Attributes(("axis", 0L)));

        AssertFloats([2, 2], y, 3, 4, 5, 6);
    }

    [Fact]
    public void Compress_WithoutAxisAndAShortCondition_SelectsFromTheFlattenedInput()
    {
        var y = Evaluate1("Compress", [F([3, 2], 1, 2, 3, 4, 5, 6), B([5], false, true, false, false, true)]);

        AssertFloats([2], y, 2, 5);
    }

    [Fact]
    public void NonMaxSuppression_SuppressByIou_SpecExample()
    {
        var boxes = F([1, 6, 4], 0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, -0.1f, 1, 0.9f, 0, 10, 1, 11, 0, 10.1f, 1, 11.1f, 0, 100, 1, 101);
        var scores = F([1, 1, 6], 0.9f, 0.75f, 0.6f, 0.95f, 0.5f, 0.3f);

        var y = Evaluate1("NonMaxSuppression", [boxes, scores, L([1], 3), F([1], 0.5f), F([1], 0)]);

        AssertInt64s([3, 3], y, 0, 0, 3, 0, 0, 0, 0, 0, 5);
    }

    [Fact]
    public void NonMaxSuppression_CenterPointBoxesWithScoreThreshold_DropsLowScoresAndOverlaps()
    {
        var boxes = F([1, 6, 4], 0.5f, 0.5f, 1, 1, 0.5f, 0.6f, 1, 1, 0.5f, 0.4f, 1, 1, 0.5f, 10.5f, 1, 1, 0.5f, 10.6f, 1, 1, 0.5f, 100.5f, 1, 1);
        var scores = F([1, 1, 6], 0.9f, 0.75f, 0.6f, 0.95f, 0.5f, 0.3f);

        var y = Evaluate1("NonMaxSuppression", [boxes, scores, L([1], 3), F([1], 0.5f), F([1], 0.4f)], Attributes(("center_point_box", 1L)));

        AssertInt64s([2, 3], y, 0, 0, 3, 0, 0, 0);
    }
}
