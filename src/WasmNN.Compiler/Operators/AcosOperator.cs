using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Acos: arccosine.</summary>
/// <remarks>y = acos(x), NaN outside [-1, 1]</remarks>
public sealed class AcosOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Acos";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Acos(x);
    }
}
