namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Pow: elementwise power with broadcasting; the result has the base's type.</summary>
/// <remarks>Z = X ^ Y</remarks>
public sealed class PowOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Pow";

    /// <inheritdoc/>
    protected override bool AllowsMixedTypes => true;

    /// <inheritdoc/>
    public override double Apply(double a, double b) => Math.Pow(a, b);

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => (long)Math.Pow(a, b);
}
