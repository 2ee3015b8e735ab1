using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>CastLike takes the target type from its second input (ONNX CastLike, opset 15).</summary>
public sealed class CastLikeOperatorTests
{
    [Fact]
    public void Evaluate_Int64Like_TruncatesFloatsTowardZero()
    {
        var y = Evaluate1("CastLike", [F([3], 2.75f, -2.75f, 0.5f), L([1], 0)]);

        AssertInt64s([3], y, 2, -2, 0);
    }
}
