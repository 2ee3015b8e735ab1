namespace WasmNN.Compiler.IR;

/// <summary>
/// A bfloat16 number: the upper 16 bits of an IEEE binary32 (sign, 8 exponent bits, 7 fraction bits). .NET has no
/// such type; this one only stores and converts (compute in float32, as the kernels do).
/// </summary>
/// <remarks>
/// From float32 it rounds to nearest, ties to even (as onnxruntime, PyTorch and the ONNX spec since onnx 1.13); a NaN
/// stays a NaN (its payload's upper bits, quietened). From float64 it rounds once, through float32 rounded to odd.
/// </remarks>
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>The value as a float32 (exact).</summary>
    public static explicit operator float(BFloat16 value) => BitConverter.Int32BitsToSingle(value.Bits << 16);

    /// <summary>The value as a float64 (exact).</summary>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>The nearest bfloat16 (ties to even).</summary>
    public static explicit operator BFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x40));
        }
        return new BFloat16((ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16));
    }

    /// <summary>The nearest bfloat16 to a float64 (ties to even, rounded once).</summary>
    public static explicit operator BFloat16(double value) => (BFloat16)RoundToOddSingle(value);

    /// <summary>
    /// <paramref name="value"/> as a float32 rounded to odd (truncated, with the last bit set when inexact): rounding
    /// that to a format of at most 22 significant bits gives the same result as rounding <paramref name="value"/> once.
    /// </summary>
    public static float RoundToOddSingle(double value)
    {
        var nearest = (float)value;
        if (double.IsNaN(value) || nearest == value || float.IsInfinity(nearest) && double.IsInfinity(value))
        {
            return nearest;
        }
        var bits = BitConverter.SingleToInt32Bits(nearest);
        // Rounded away from zero: step back to the truncation; either way, mark it inexact.
        if (Math.Abs((double)nearest) > Math.Abs(value))
        {
            bits--;
        }
        return BitConverter.Int32BitsToSingle(bits | 1);
    }

    /// <inheritdoc/>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
