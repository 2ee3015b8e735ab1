using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Atan: arctangent.</summary>
/// <remarks>y = atan(x)</remarks>
public sealed class AtanOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Atan";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Atan(x);
    }
}
