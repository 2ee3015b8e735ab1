using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Abs: absolute value.</summary>
/// <remarks>y = |x|</remarks>
public sealed class AbsOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Abs";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Abs(x);
    }

    /// <inheritdoc/>
    protected override bool AcceptsIntegers => true;

    /// <inheritdoc/>
    public override long ApplyInteger(OperatorAttributes attributes, long x) => x < 0 ? unchecked(-x) : x;
}
