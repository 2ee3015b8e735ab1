using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sin: sine.</summary>
/// <remarks>y = sin(x)</remarks>
public sealed class SinOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sin";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Sin(x);
    }
}
