using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Reciprocal: reciprocal.</summary>
/// <remarks>y = 1 / x</remarks>
public sealed class ReciprocalOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Reciprocal";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return 1 / x;
    }
}
