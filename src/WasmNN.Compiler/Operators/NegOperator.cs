using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Neg: negation.</summary>
/// <remarks>y = -x</remarks>
public sealed class NegOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Neg";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return -x;
    }

    /// <inheritdoc/>
    protected override bool AcceptsIntegers => true;

    /// <inheritdoc/>
    public override long ApplyInteger(OperatorAttributes attributes, long x) => -x;
}
