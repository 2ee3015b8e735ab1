using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// Swish (opset 24) against torch.nn.functional.silu (alpha 1) and the spec formula in Python's math (alpha 2):
/// the reference evaluation and the compiled kernel on our engine, with and without SIMD.
/// </summary>
public sealed class SwishOperatorTests
{
    private static readonly float[] s_inputs = [-2.5f, -0.5f, 0f, 0.5f, 1.5f, 3f];

    private static readonly double[] s_torchSilu = [-0.18964545005310887, -0.1887703343990727, 0, 0.3112296656009273, 1.2263617142904655, 2.8577223804672998];

    private static readonly double[] s_alphaTwo = [-0.01673212731071214, -0.13447071068499755, 0, 0.36552928931500245, 1.42886119023365, 2.992582130530096];

    [Fact]
    public void Evaluate_DefaultAlpha_IsTorchSilu()
    {
        var y = Evaluate1("Swish", [F([6], s_inputs)], opset: 24);

        AssertFloats([6], y, s_torchSilu);
    }

    [Fact]
    public void Evaluate_AlphaTwo_ScalesTheInputInsideTheSigmoidOnly()
    {
        var y = Evaluate1("Swish", [F([6], s_inputs)], Attributes(("alpha", 2f)), opset: 24);

        AssertFloats([6], y, s_alphaTwo);
    }

    [Theory]
    [InlineData(1f, true)]
    [InlineData(1f, false)]
    [InlineData(2f, true)]
    [InlineData(2f, false)]
    public void Compile_OnEngine_MatchesTorchAndFormula(float alpha, bool simd)
    {
        var g = new Graph("swish", 24);
        var x = new Value("x", DataType.Float32, [s_inputs.Length]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Swish", [x], ["y"], Attributes(("alpha", alpha))).Outputs[0]!);
        using var executor = new WasmExecutor(new CompileOptions { Simd = simd });

        var y = executor.Execute(g, [F([s_inputs.Length], s_inputs)])[0];

        AssertTensor([6], DataType.Float32, alpha == 1f ? s_torchSilu : s_alphaTwo, y, tolerance: 2e-6);
    }
}
