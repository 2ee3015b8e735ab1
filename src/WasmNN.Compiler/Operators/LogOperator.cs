using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Log: natural logarithm.</summary>
/// <remarks>y = ln(x)</remarks>
public sealed class LogOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Log";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Log(x);
    }
}
