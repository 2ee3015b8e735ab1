using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Mish (opset 18): a self-gated softplus.</summary>
/// <remarks>y = x * tanh(ln(1 + e^x))</remarks>
public sealed class MishOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Mish";

    /// <inheritdoc/>
    public override int MinOpset => 18;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x) => x * Math.Tanh(Math.Log(1 + Math.Exp(x)));
}
