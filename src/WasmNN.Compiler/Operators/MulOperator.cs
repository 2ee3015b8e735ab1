namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Mul: elementwise multiplication with broadcasting.</summary>
/// <remarks>C = A * B</remarks>
public sealed class MulOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Mul";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a * b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a * b;
}
