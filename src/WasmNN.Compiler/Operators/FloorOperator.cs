using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Floor: round toward negative infinity.</summary>
/// <remarks>y = floor(x)</remarks>
public sealed class FloorOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Floor";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Floor(x);
    }
}
