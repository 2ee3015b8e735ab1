namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Less: elementwise less-than.</summary>
/// <remarks>C = (A &lt; B)</remarks>
public sealed class LessOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Less";

    /// <inheritdoc/>
    protected override bool ProducesBool => true;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a < b ? 1 : 0;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a < b ? 1 : 0;
}
