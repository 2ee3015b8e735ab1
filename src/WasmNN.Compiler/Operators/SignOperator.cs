using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sign: sign (-1, 0 or 1).</summary>
/// <remarks>y = sign(x)</remarks>
public sealed class SignOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sign";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Sign(x);
    }

    /// <inheritdoc/>
    protected override bool AcceptsIntegers => true;

    /// <inheritdoc/>
    public override long ApplyInteger(OperatorAttributes attributes, long x) => Math.Sign(x);
}
