using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Asin: arcsine.</summary>
/// <remarks>y = asin(x), NaN outside [-1, 1]</remarks>
public sealed class AsinOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Asin";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Asin(x);
    }
}
