using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Softplus: softplus.</summary>
/// <remarks>y = ln(exp(x) + 1)</remarks>
public sealed class SoftplusOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Softplus";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Log(Math.Exp(x) + 1);
    }
}
