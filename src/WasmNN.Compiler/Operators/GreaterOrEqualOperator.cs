namespace WasmNN.Compiler.Operators;

/// <summary>ONNX GreaterOrEqual: elementwise greater-or-equal.</summary>
/// <remarks>C = (A >= B)</remarks>
public sealed class GreaterOrEqualOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "GreaterOrEqual";

    /// <inheritdoc/>
    protected override bool ProducesBool => true;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a >= b ? 1 : 0;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a >= b ? 1 : 0;
}
