using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Erf: gauss error function.</summary>
/// <remarks>y = 2/sqrt(pi) * integral_0^x exp(-t^2) dt</remarks>
public sealed class ErfOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Erf";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return ErfFunction.Erf(x);
    }
}
