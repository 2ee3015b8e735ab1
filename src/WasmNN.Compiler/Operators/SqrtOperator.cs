using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sqrt: square root.</summary>
/// <remarks>y = sqrt(x)</remarks>
public sealed class SqrtOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sqrt";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Sqrt(x);
    }
}
