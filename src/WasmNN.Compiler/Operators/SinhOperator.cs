using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sinh: hyperbolic sine.</summary>
/// <remarks>y = sinh(x)</remarks>
public sealed class SinhOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sinh";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Sinh(x);
    }
}
