using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Swish.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 1.0): the input's coefficient inside the sigmoid.</param>
public sealed record SwishAttributes(float Alpha) : OperatorAttributes;

/// <summary>ONNX Swish (opset 24): the input gated by its own sigmoid (SiLU when alpha is 1).</summary>
/// <remarks>y = x * sigmoid(alpha * x)</remarks>
public sealed class SwishOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Swish";

    /// <inheritdoc/>
    public override int MinOpset => 24;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SwishAttributes(attributes.GetFloat("alpha", 1.0f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x) => x / (1 + Math.Exp(-As<SwishAttributes>(attributes).Alpha * x));
}
