namespace WasmNN.Compiler.Operators;

/// <summary>The Gauss error function in double precision (.NET has none).</summary>
internal static class ErfFunction
{
    /// <summary>erf(x), accurate to about 1e-14 absolute.</summary>
    /// <remarks>
    /// |x| &lt; 3: Maclaurin series erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)).
    /// |x| >= 3: erf(x) = 1 - erfc(x) with the continued fraction
    /// erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).
    /// </remarks>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        var ax = Math.Abs(x);
        double result;
        if (ax < 3)
        {
            double sum = 0, term = ax;
            for (var n = 0; n < 200; n++)
            {
                var contribution = term / (2 * n + 1);
                sum += contribution;
                if (Math.Abs(contribution) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
                term *= -ax * ax / (n + 1);
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            var fraction = ax;
            for (var k = 60; k >= 1; k--)
            {
                fraction = ax + k / 2.0 / fraction;
            }
            result = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / fraction;
        }
        return x < 0 ? -result : result;
    }
}
