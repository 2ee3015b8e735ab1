namespace WasmNN.Compiler.Operators;

/// <summary>ONNX PRelu: leaky rectifier with a learned slope broadcast (numpy rules, opset 7+) onto X.</summary>
/// <remarks>y = x if x >= 0 else slope * x</remarks>
public sealed class PReluOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "PRelu";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a >= 0 ? a : a * b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a >= 0 ? a : a * b;
}
