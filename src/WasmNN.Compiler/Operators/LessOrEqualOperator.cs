namespace WasmNN.Compiler.Operators;

/// <summary>ONNX LessOrEqual: elementwise less-or-equal.</summary>
/// <remarks>C = (A &lt;= B)</remarks>
public sealed class LessOrEqualOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "LessOrEqual";

    /// <inheritdoc/>
    protected override bool ProducesBool => true;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a <= b ? 1 : 0;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a <= b ? 1 : 0;
}
