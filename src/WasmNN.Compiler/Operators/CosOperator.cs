using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Cos: cosine.</summary>
/// <remarks>y = cos(x)</remarks>
public sealed class CosOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Cos";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Cos(x);
    }
}
