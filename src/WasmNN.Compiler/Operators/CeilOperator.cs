using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Ceil: round toward positive infinity.</summary>
/// <remarks>y = ceil(x)</remarks>
public sealed class CeilOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Ceil";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Ceiling(x);
    }
}
