using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Tan: tangent.</summary>
/// <remarks>y = tan(x)</remarks>
public sealed class TanOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Tan";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Tan(x);
    }
}
