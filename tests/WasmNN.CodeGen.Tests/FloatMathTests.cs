namespace WasmNN.CodeGen.Tests;

/// <summary>
/// <see cref="FloatMath"/> run on the engine, at both lane widths, against double-precision references
/// (<see cref="FloatReference"/>): dense sweeps with a stated ulp bound, the thresholds where results overflow,
/// turn subnormal or flush to zero, and the IEEE special values.
/// </summary>
public sealed class FloatMathTests
{
    /// <summary>Stated accuracy: the largest error, in ulps of the correctly rounded result, over every input.</summary>
    private static readonly Dictionary<string, (Func<double, double> Reference, double MaxUlps)> s_functions = new()
    {
        ["exp"] = (FloatReference.Exp, 1.5),
        ["log"] = (FloatReference.Log, 1),
        ["tanh"] = (FloatReference.Tanh, 1.5),
        ["sigmoid"] = (FloatReference.Sigmoid, 2.5),
        ["erf"] = (FloatReference.Erf, 3.5),
        ["sin"] = (Math.Sin, 0.5),
        ["cos"] = (Math.Cos, 0.5),
        ["tan"] = (Math.Tan, 1),
        ["sinh"] = (Math.Sinh, 3),
        ["cosh"] = (Math.Cosh, 3),
        ["asin"] = (Math.Asin, 2),
        ["acos"] = (Math.Acos, 1.5),
        ["atan"] = (Math.Atan, 3),
        ["asinh"] = (Math.Asinh, 4),
        ["acosh"] = (Math.Acosh, 2.5),
        ["atanh"] = (Math.Atanh, 1.5),
    };

    /// <summary>Each function's sweep: every 1021st float over its interesting range (so all magnitudes, subnormals included), and 2^20 evenly spaced points.</summary>
    private static float[] Sweep(string function) => function switch
    {
        "exp" => [.. FloatReference.BitSweep(0f, 90f, 1021), .. FloatReference.BitSweep(-0f, -105f, 1021), .. FloatReference.Uniform(-105, 90, 1 << 20)],
        "log" => [.. FloatReference.BitSweep(float.Epsilon, float.MaxValue, 1021), .. FloatReference.Uniform(0.25f, 4, 1 << 20)],
        "tanh" => [.. FloatReference.BitSweep(0f, 12f, 1021), .. FloatReference.BitSweep(-0f, -12f, 1021), .. FloatReference.Uniform(-12, 12, 1 << 20)],
        "sigmoid" => [.. FloatReference.BitSweep(0f, 20f, 1021), .. FloatReference.BitSweep(-0f, -105f, 1021), .. FloatReference.Uniform(-105, 20, 1 << 20)],
        "erf" => [.. FloatReference.BitSweep(0f, 6f, 1021), .. FloatReference.BitSweep(-0f, -6f, 1021), .. FloatReference.Uniform(-6, 6, 1 << 20)],
        "sin" or "cos" or "tan" => [.. FloatReference.BitSweep(0f, 1e4f, 1021), .. FloatReference.BitSweep(-0f, -1e4f, 1021), .. FloatReference.Uniform(-1e4f, 1e4f, 1 << 20)],
        "sinh" => [.. FloatReference.BitSweep(0f, 89.4f, 1021), .. FloatReference.BitSweep(-0f, -89.4f, 1021), .. FloatReference.Uniform(-89, 89, 1 << 20)],
        "cosh" => [.. FloatReference.BitSweep(0f, 89.4f, 1021), .. FloatReference.BitSweep(-0f, -89.4f, 1021), .. FloatReference.Uniform(-89, 89, 1 << 20)],
        "asin" => [.. FloatReference.BitSweep(0f, 1f, 1021), .. FloatReference.BitSweep(-0f, -1f, 1021), .. FloatReference.Uniform(-1, 1, 1 << 20)],
        "acos" => [.. FloatReference.BitSweep(0f, 1f, 1021), .. FloatReference.BitSweep(-0f, -1f, 1021), .. FloatReference.Uniform(-1, 1, 1 << 20)],
        "atan" => [.. FloatReference.BitSweep(0f, float.MaxValue, 1021), .. FloatReference.BitSweep(-0f, -float.MaxValue, 1021), .. FloatReference.Uniform(-10, 10, 1 << 20)],
        "asinh" => [.. FloatReference.BitSweep(0f, float.MaxValue, 1021), .. FloatReference.BitSweep(-0f, -float.MaxValue, 1021), .. FloatReference.Uniform(-10, 10, 1 << 20)],
        "acosh" => [.. FloatReference.BitSweep(1f, float.MaxValue, 1021), .. FloatReference.Uniform(1, 10, 1 << 20)],
        "atanh" => [.. FloatReference.BitSweep(0f, 1f, 1021), .. FloatReference.BitSweep(-0f, -1f, 1021), .. FloatReference.Uniform(-1, 1, 1 << 20)],
        _ => throw new ArgumentException(function, nameof(function)),
    };

    public static TheoryData<string, int> FunctionsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var function in s_functions.Keys)
        {
            data.Add(function, 1);
            data.Add(function, FunctionBuilder.VectorWidth);
        }
        return data;
    }

    public static TheoryData<string> Functions() => [.. s_functions.Keys];

    [Theory]
    [MemberData(nameof(FunctionsAndWidths))]
    public void FloatMath_DenseSweep_WithinStatedUlpsOfDoubleReference(string function, int width) =>
        AssertWithinStatedUlps(function, width, Sweep(function));

    [Theory]
    [MemberData(nameof(Functions))]
    public void FloatMath_ScalarAndVectorForms_GiveTheSameBits(string function)
    {
        var x = Sweep(function);
        var scalar = MathModule.Shared.Map(function, 1, x);
        var vector = MathModule.Shared.Map(function, FunctionBuilder.VectorWidth, x);
        var first = Enumerable.Range(0, x.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(scalar[i]) != BitConverter.SingleToInt32Bits(vector[i]), -1);
        Assert.True(first < 0, first < 0 ? "" : $"{function}({x[first]:R}): scalar {scalar[first]:R}, vector {vector[first]:R}");
    }

    [Theory]
    [InlineData(88.6f, 88.8f)]      // e^x passes float.MaxValue at ln(MaxValue) = 88.7228: finite below, +inf above
    [InlineData(-87.5f, -87.2f)]    // e^x crosses the smallest normal, 2^-126, at -87.3365
    [InlineData(-103.99f, -103.9f)] // e^x crosses half the smallest subnormal at -103.972: below it rounds to 0
    public void Exp_EveryFloatAroundAThreshold_WithinStatedUlps(float from, float to)
    {
        foreach (var width in new[] { 1, FunctionBuilder.VectorWidth })
        {
            AssertWithinStatedUlps("exp", width, FloatReference.BitSweep(from, to, 1));
        }
    }

    [Theory]
    [InlineData("exp", float.NegativeInfinity, 0f)]
    [InlineData("exp", float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData("exp", float.NaN, float.NaN)]
    [InlineData("exp", 0f, 1f)]
    [InlineData("exp", float.Epsilon, 1f)]
    [InlineData("exp", -1e30f, 0f)]
    [InlineData("exp", 1e30f, float.PositiveInfinity)]
    [InlineData("log", 0f, float.NegativeInfinity)]
    [InlineData("log", 1f, 0f)]
    [InlineData("log", -1f, float.NaN)]
    [InlineData("log", float.NegativeInfinity, float.NaN)]
    [InlineData("log", float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData("log", float.NaN, float.NaN)]
    [InlineData("tanh", 0f, 0f)]
    [InlineData("tanh", float.PositiveInfinity, 1f)]
    [InlineData("tanh", float.NegativeInfinity, -1f)]
    [InlineData("tanh", float.NaN, float.NaN)]
    [InlineData("sigmoid", 0f, 0.5f)]
    [InlineData("sigmoid", float.PositiveInfinity, 1f)]
    [InlineData("sigmoid", float.NegativeInfinity, 0f)]
    [InlineData("sigmoid", float.NaN, float.NaN)]
    [InlineData("erf", 0f, 0f)]
    [InlineData("erf", float.PositiveInfinity, 1f)]
    [InlineData("erf", float.NegativeInfinity, -1f)]
    [InlineData("erf", float.NaN, float.NaN)]
    [InlineData("sin", 0f, 0f)]
    [InlineData("sin", float.PositiveInfinity, float.NaN)]
    [InlineData("sin", float.NegativeInfinity, float.NaN)]
    [InlineData("sin", float.NaN, float.NaN)]
    [InlineData("cos", 0f, 1f)]
    [InlineData("cos", float.PositiveInfinity, float.NaN)]
    [InlineData("cos", float.NaN, float.NaN)]
    [InlineData("tan", 0f, 0f)]
    [InlineData("tan", float.NegativeInfinity, float.NaN)]
    [InlineData("tan", float.NaN, float.NaN)]
    [InlineData("sinh", float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData("sinh", float.NegativeInfinity, float.NegativeInfinity)]
    [InlineData("sinh", float.NaN, float.NaN)]
    [InlineData("cosh", 0f, 1f)]
    [InlineData("cosh", float.NegativeInfinity, float.PositiveInfinity)]
    [InlineData("cosh", float.NaN, float.NaN)]
    [InlineData("asin", 1f, 1.57079637f)]
    [InlineData("asin", 1.0000001f, float.NaN)]
    [InlineData("asin", float.NaN, float.NaN)]
    [InlineData("acos", 1f, 0f)]
    [InlineData("acos", -1f, 3.14159274f)]
    [InlineData("acos", -1.0000001f, float.NaN)]
    [InlineData("acos", float.NaN, float.NaN)]
    [InlineData("atan", float.PositiveInfinity, 1.57079637f)]
    [InlineData("atan", float.NegativeInfinity, -1.57079637f)]
    [InlineData("atan", float.NaN, float.NaN)]
    [InlineData("asinh", float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData("asinh", float.NegativeInfinity, float.NegativeInfinity)]
    [InlineData("asinh", float.NaN, float.NaN)]
    [InlineData("acosh", 1f, 0f)]
    [InlineData("acosh", 0.99999994f, float.NaN)]
    [InlineData("acosh", float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData("acosh", float.NaN, float.NaN)]
    [InlineData("atanh", 1f, float.PositiveInfinity)]
    [InlineData("atanh", -1f, float.NegativeInfinity)]
    [InlineData("atanh", 1.0000001f, float.NaN)]
    [InlineData("atanh", float.NaN, float.NaN)]
    public void FloatMath_SpecialValue_GivesTheIeeeResult(string function, float x, float expected) => AssertExactly(function, x, expected);

    // Apart from the table above: xUnit counts 0f and -0f as the same inline value.
    [Theory]
    [InlineData("exp", 1f)]
    [InlineData("log", float.NegativeInfinity)]
    [InlineData("tanh", -0f)]
    [InlineData("sigmoid", 0.5f)]
    [InlineData("erf", -0f)]
    [InlineData("sin", -0f)]
    [InlineData("cos", 1f)]
    [InlineData("tan", -0f)]
    [InlineData("sinh", -0f)]
    [InlineData("cosh", 1f)]
    [InlineData("asin", -0f)]
    [InlineData("acos", 1.57079637f)]
    [InlineData("atan", -0f)]
    [InlineData("asinh", -0f)]
    [InlineData("atanh", -0f)]
    public void FloatMath_NegativeZero_GivesTheIeeeResult(string function, float expected) => AssertExactly(function, -0f, expected);

    [Theory]
    [InlineData("sin")]
    [InlineData("cos")]
    public void SinCos_BeyondTheAccurateRange_StayWithinTheDocumentedAbsoluteError(string function)
    {
        // FloatMath.Trig: exact reduction below 1.6e6, then about |x| 2^-53 in r; at most 1e-6 absolute up to 1e9, and
        // never outside [-1, 1] up to float.MaxValue.
        float[] moderate = [.. FloatReference.Uniform(1e4f, 1e9f, 1 << 16), .. FloatReference.Uniform(-1e9f, -1e4f, 1 << 16)];
        float[] huge = FloatReference.BitSweep(1e9f, float.MaxValue, 4099);
        foreach (var width in new[] { 1, FunctionBuilder.VectorWidth })
        {
            var y = MathModule.Shared.Map(function, width, moderate);
            var reference = s_functions[function].Reference;
            var worst = Enumerable.Range(0, moderate.Length).Max(i => Math.Abs(y[i] - reference(moderate[i])));
            Assert.True(worst <= 1e-6, $"{function} at width {width}: absolute error {worst:E2} between 1e4 and 1e9");
            Assert.All(MathModule.Shared.Map(function, width, huge), v => Assert.InRange(v, -1f, 1f));
        }
    }

    private static void AssertExactly(string function, float x, float expected)
    {
        foreach (var width in new[] { 1, FunctionBuilder.VectorWidth })
        {
            var actual = MathModule.Shared.Map(function, width, [x, x, x, x])[0];
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(actual), $"{function}({x}) at width {width}: {actual:R}, expected NaN");
            }
            else
            {
                // Bits, so that -0 and +0 differ.
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                    $"{function}({x:R}) at width {width}: {actual:R}, expected {expected:R}");
            }
        }
    }

    private static void AssertWithinStatedUlps(string function, int width, float[] x)
    {
        var (reference, maxUlps) = s_functions[function];
        var y = MathModule.Shared.Map(function, width, x);
        var (worst, worstAt) = (0.0, 0);
        for (var i = 0; i < x.Length; i++)
        {
            var ulps = FloatReference.Ulps(y[i], reference(x[i]));
            if (!(ulps <= worst))
            {
                (worst, worstAt) = (ulps, i);
            }
        }
        Assert.True(worst <= maxUlps,
            $"{function} at width {width}: {worst:F2} ulps at x = {x[worstAt]:R} (got {y[worstAt]:R}, reference {reference(x[worstAt]):R}); stated {maxUlps}");
    }
}
