using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX HardSwish: hard swish (MobileNetV3).</summary>
/// <remarks>y = x * max(0, min(1, x / 6 + 1/2))</remarks>
public sealed class HardSwishOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "HardSwish";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return x * Math.Max(0, Math.Min(1, x / 6 + 0.5));
    }
}
