namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Add: elementwise addition with broadcasting.</summary>
/// <remarks>C = A + B</remarks>
public sealed class AddOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Add";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a + b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a + b;
}
