using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sigmoid: logistic sigmoid.</summary>
/// <remarks>y = 1 / (1 + exp(-x))</remarks>
public sealed class SigmoidOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sigmoid";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return 1 / (1 + Math.Exp(-x));
    }
}
