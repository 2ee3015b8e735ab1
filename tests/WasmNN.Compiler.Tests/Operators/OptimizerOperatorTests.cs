using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// The ai.onnx.preview.training optimizers. Expected values come from the ONNX package's own update functions
/// (onnx/backend/test/case/node/{adagrad,adam,momentum}.py: apply_adagrad, apply_adam, apply_momentum,
/// apply_nesterov) at R = 0.1, T = 3, X = [1.2, 2.8], G = [-0.94, -2.5], V = [1.7, 3.6], H = [0.1, 0.1].
/// </summary>
public sealed class OptimizerOperatorTests
{
    internal static readonly Tensor R = F([], 0.1f), T = L([], 3), X = F([2], 1.2f, 2.8f), G = F([2], -0.94f, -2.5f),
        V = F([2], 1.7f, 3.6f), H = F([2], 0.1f, 0.1f);

    [Fact]
    public void Adagrad_ThirdUpdate_MatchesOnnxApplyAdagrad()
    {
        var outputs = Evaluate("Adagrad", [R, T, X, G, H], Attributes(("decay_factor", 0.1f), ("epsilon", 1e-5f), ("norm_coefficient", 0.001f)));

        AssertTensor([2], DataType.Float32, [1.2728978, 2.8763132], outputs[0], 1e-6);
        AssertTensor([2], DataType.Float32, [0.9813454, 6.3360076], outputs[1], 1e-6);
    }

    [Fact]
    public void Adam_ThirdUpdateWithBiasCorrection_MatchesOnnxApplyAdam()
    {
        var outputs = Evaluate("Adam", [R, T, X, G, V, H], Attributes(("alpha", 0.95f), ("beta", 0.1f), ("epsilon", 1e-7f), ("norm_coefficient", 0.001f)));

        AssertTensor([2], DataType.Float32, [-0.02612555, 1.8261325], outputs[0], 1e-5);
        AssertTensor([2], DataType.Float32, [1.56806, 3.2951398], outputs[1], 1e-6);
        AssertTensor([2], DataType.Float32, [0.8032108, 5.622407], outputs[2], 1e-6);
    }

    [Fact]
    public void Momentum_StandardMode_MatchesOnnxApplyMomentum()
    {
        var outputs = Evaluate("Momentum", [R, T, X, G, V], Attributes(("alpha", 0.95f), ("beta", 0.1f), ("norm_coefficient", 0.001f), ("mode", "standard")));

        AssertTensor([2], DataType.Float32, [1.047888, 2.482972], outputs[0], 1e-6);
        AssertTensor([2], DataType.Float32, [1.5211201, 3.1702797], outputs[1], 1e-6);
    }

    [Fact]
    public void Momentum_NesterovMode_MatchesOnnxApplyNesterov()
    {
        var outputs = Evaluate("Momentum", [R, T, X, G, V], Attributes(("alpha", 0.95f), ("beta", 1f), ("norm_coefficient", 0.01f), ("mode", "nesterov")));

        AssertTensor([2], DataType.Float32, [1.227535, 2.95714], outputs[0], 1e-6);
        AssertTensor([2], DataType.Float32, [0.68700004, 0.94799995], outputs[1], 1e-6);
    }

    [Fact]
    public void Momentum_UnknownMode_IsRejected()
    {
        var e = Assert.Throws<OperatorException>(() => Evaluate("Momentum", [R, T, X, G, V], Attributes(("alpha", 0.9f), ("beta", 1f), ("norm_coefficient", 0f), ("mode", "heavy"))));

        Assert.Contains("mode 'heavy'", e.Message);
    }
}
