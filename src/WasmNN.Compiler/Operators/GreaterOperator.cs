namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Greater: elementwise greater-than.</summary>
/// <remarks>C = (A > B)</remarks>
public sealed class GreaterOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Greater";

    /// <inheritdoc/>
    protected override bool ProducesBool => true;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a > b ? 1 : 0;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a > b ? 1 : 0;
}
