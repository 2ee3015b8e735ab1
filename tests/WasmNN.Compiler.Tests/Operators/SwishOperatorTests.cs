using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Swish (opset 24) against torch.nn.functional.silu (alpha 1) and the spec formula in Python's math (alpha 2).</summary>
public sealed class SwishOperatorTests
{
    [Fact]
    public void Evaluate_DefaultAlpha_IsTorchSilu()
    {
        var y = Evaluate1("Swish", [F([6], -2.5f, -0.5f, 0f, 0.5f, 1.5f, 3f)], opset: 24);

        AssertFloats([6], y, -0.18964545005310887, -0.1887703343990727, 0, 0.3112296656009273, 1.2263617142904655, 2.8577223804672998);
    }

    [Fact]
    public void Evaluate_AlphaTwo_ScalesTheInputInsideTheSigmoidOnly()
    {
        var y = Evaluate1("Swish", [F([6], -2.5f, -0.5f, 0f, 0.5f, 1.5f, 3f)], Attributes(("alpha", 2f)), opset: 24);

        AssertFloats([6], y, -0.01673212731071214, -0.13447071068499755, 0, 0.36552928931500245, 1.42886119023365, 2.992582130530096);
    }
}
