using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Asinh: inverse hyperbolic sine.</summary>
/// <remarks>y = asinh(x)</remarks>
public sealed class AsinhOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Asinh";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Asinh(x);
    }
}
