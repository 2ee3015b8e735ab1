using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Cosh: hyperbolic cosine.</summary>
/// <remarks>y = cosh(x)</remarks>
public sealed class CoshOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Cosh";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Cosh(x);
    }
}
