using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Exp: natural exponential.</summary>
/// <remarks>y = e^x</remarks>
public sealed class ExpOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Exp";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Exp(x);
    }
}
