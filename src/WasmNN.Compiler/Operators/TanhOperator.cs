using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Tanh: hyperbolic tangent.</summary>
/// <remarks>y = tanh(x)</remarks>
public sealed class TanhOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Tanh";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Tanh(x);
    }
}
