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
    public override long ApplyInteger(long a, long b) => IntegerPower(a, b);

    /// <summary>
    /// a^b by repeated squaring, wrapping like the element type's arithmetic (exact where Math.Pow's double is not);
    /// a negative b gives the truncation of 1/a^|b|: 1 for a = 1, +-1 for a = -1, else 0 (also for a = 0).
    /// </summary>
    public static long IntegerPower(long a, long b)
    {
        if (b < 0)
        {
            return a == 1 ? 1 : a == -1 ? ((b & 1) == 0 ? 1 : -1) : 0;
        }
        var result = 1L;
        for (; b != 0; b >>= 1, a = unchecked(a * a))
        {
            if ((b & 1) != 0)
            {
                result = unchecked(result * a);
            }
        }
        return result;
    }
}
