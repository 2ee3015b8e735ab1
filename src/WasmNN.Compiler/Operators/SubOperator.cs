namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sub: elementwise subtraction with broadcasting.</summary>
/// <remarks>C = A - B</remarks>
public sealed class SubOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sub";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a - b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a - b;
}
