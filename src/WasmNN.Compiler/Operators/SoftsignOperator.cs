using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Softsign: softsign.</summary>
/// <remarks>y = x / (1 + |x|)</remarks>
public sealed class SoftsignOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Softsign";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return x / (1 + Math.Abs(x));
    }
}
