namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Equal: elementwise equality.</summary>
/// <remarks>C = (A == B)</remarks>
public sealed class EqualOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Equal";

    /// <inheritdoc/>
    protected override bool ProducesBool => true;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a == b ? 1 : 0;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a == b ? 1 : 0;
}
