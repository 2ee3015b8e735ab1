using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>ReverseSequence on the ONNX specification's two examples.</summary>
public sealed class ReverseSequenceOperatorTests
{
    [Fact]
    public void Evaluate_BatchAxis0_ReversesThePrefixOfEachRow()
    {
        var y = Evaluate1("ReverseSequence", [F([4, 4], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), L([4], 1, 2, 3, 4)],
            Attributes(("batch_axis", 0L), ("time_axis", 1L)));

        AssertFloats([4, 4], y, 0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12);
    }

    [Fact]
    public void Evaluate_TimeAxis0_ReversesThePrefixOfEachColumn()
    {
        var y = Evaluate1("ReverseSequence", [F([4, 4], 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), L([4], 4, 3, 2, 1)]);

        AssertFloats([4, 4], y, 3, 6, 9, 12, 2, 5, 8, 13, 1, 4, 10, 14, 0, 7, 11, 15);
    }

    [Fact]
    public void ParseAttributes_SameAxisTwice_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() =>
            Evaluate1("ReverseSequence", [F([2, 2], 0, 1, 2, 3), L([2], 1, 1)], Attributes(("batch_axis", 0L), ("time_axis", 0L))));
    }
}
