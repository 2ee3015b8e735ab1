using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Gelu.</summary>
/// <param name="Tanh">approximate = "tanh" (else "none", the exact erf form).</param>
public sealed record GeluAttributes(bool Tanh) : OperatorAttributes;

/// <summary>ONNX Gelu (opset 20): Gaussian error linear unit.</summary>
/// <remarks>y = 0.5 x (1 + erf(x / sqrt 2)); tanh: y = 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))</remarks>
public sealed class GeluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Gelu";

    /// <inheritdoc/>
    public override int MinOpset => 20;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var approximate = attributes.GetString("approximate", "none");
        return approximate is "none" or "tanh" ? new GeluAttributes(approximate == "tanh")
            : throw new OperatorException($"unknown Gelu approximate '{approximate}'");
    }

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x) => As<GeluAttributes>(attributes).Tanh
        ? 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
        : 0.5 * x * (1 + ErfFunction.Erf(x / Math.Sqrt(2)));
}
