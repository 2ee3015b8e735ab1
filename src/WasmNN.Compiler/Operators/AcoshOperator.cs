using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Acosh: inverse hyperbolic cosine.</summary>
/// <remarks>y = acosh(x), NaN below 1</remarks>
public sealed class AcoshOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Acosh";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Acosh(x);
    }
}
