using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class IdentityOperatorTests
{
    [Fact]
    public void Identity_AnyTensor_SameValues()
    {
        var y = Evaluate1("Identity", [F([2, 2], 1, -2, 3, -4)]);

        AssertFloats([2, 2], y, 1, -2, 3, -4);
    }

    [Fact]
    public void Dropout_Inference_PassesThroughWithAllTrueMask()
    {
        var outputs = Evaluate("Dropout", [F([3], 1, 2, 3), F([], 0.5f)]);

        AssertFloats([3], outputs[0], 1, 2, 3);
        AssertBools([3], outputs[1], true, true, true);
    }
}
