namespace WasmNN.CodeGen.Tests;

/// <summary>Double-precision references (System.Math, or the defining series where .NET has none) and the ulp metric.</summary>
internal static class FloatReference
{
    public static double Exp(double x) => Math.Exp(x);

    public static double Log(double x) => Math.Log(x);

    public static double Tanh(double x) => Math.Tanh(x);

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>erf by its Maclaurin series below 4 (about 1e-11 absolute there) and the asymptotic erfc series above.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        var a = Math.Abs(x);
        double result;
        if (a < 4)
        {
            // erf a = 2/sqrt(pi) sum (-1)^k a^(2k+1) / (k! (2k+1)).
            double term = a, sum = a;
            for (var k = 1; k < 200 && Math.Abs(term) > 1e-30; k++)
            {
                term *= -a * a / k;
                sum += term / (2 * k + 1);
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc a = e^(-a^2) / (a sqrt(pi)) (1 - 1/(2a^2) + 3/(2a^2)^2 - 15/(2a^2)^3 ...), terms shrinking for a >= 4.
            var u = 1 / (2 * a * a);
            var series = 1 - u + 3 * u * u - 15 * u * u * u + 105 * u * u * u * u;
            result = double.IsInfinity(a) ? 1 : 1 - Math.Exp(-a * a) / (a * Math.Sqrt(Math.PI)) * series;
        }
        return Math.CopySign(result, x);
    }

    /// <summary>
    /// |actual - expected| in units of the last place of the float nearest <paramref name="expected"/> (2^-149 in the
    /// subnormal range); 0 when both are the same NaN/infinity class, +inf when only one is.
    /// </summary>
    public static double Ulps(float actual, double expected)
    {
        var nearest = (float)expected;
        if (double.IsNaN(expected) || float.IsInfinity(nearest))
        {
            return actual.Equals(nearest) ? 0 : double.PositiveInfinity;
        }
        if (!float.IsFinite(actual))
        {
            return double.PositiveInfinity;
        }
        var exponent = nearest == 0 ? -126 : Math.Max(Math.ILogB(nearest), -126);
        return Math.Abs(actual - expected) / Math.ScaleB(1, exponent - 23);
    }

    /// <summary>Every <paramref name="stride"/>-th float between two bit patterns of the same sign (inclusive), both ends included.</summary>
    public static float[] BitSweep(float from, float to, int stride)
    {
        int low = BitConverter.SingleToInt32Bits(from), high = BitConverter.SingleToInt32Bits(to);
        if (low > high)
        {
            (low, high) = (high, low);
        }
        var values = new List<float>((int)(((long)high - low) / stride + 2));
        for (long bits = low; bits <= high; bits += stride)
        {
            values.Add(BitConverter.Int32BitsToSingle((int)bits));
        }
        values.Add(BitConverter.Int32BitsToSingle(high));
        return [.. values];
    }

    /// <summary><paramref name="count"/> evenly spaced floats from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static float[] Uniform(float from, float to, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (float)(from + (to - (double)from) * i / (count - 1)))];
}
