using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Atanh: inverse hyperbolic tangent.</summary>
/// <remarks>y = atanh(x), NaN outside [-1, 1]</remarks>
public sealed class AtanhOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Atanh";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Atanh(x);
    }
}
