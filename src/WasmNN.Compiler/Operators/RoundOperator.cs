using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Round: round half to even.</summary>
/// <remarks>y = round_half_even(x)</remarks>
public sealed class RoundOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Round";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Round(x, MidpointRounding.ToEven);
    }
}
