namespace WasmNN.Kernels.Tests;

public sealed class ActivationKernelTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private readonly KernelLibrary _ops = fixture.Library;

    public static TheoryData<UnaryOperation, int> IntegerCases()
    {
        var data = new TheoryData<UnaryOperation, int>();
        foreach (var op in new[] { UnaryOperation.Relu, UnaryOperation.Neg, UnaryOperation.Abs })
        {
            foreach (int length in new[] { 1, 15, 16, 17, 100 }) data.Add(op, length);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IntegerCases))]
    public void UnaryInt32_Random_MatchesWrappingReference(UnaryOperation op, int length)
    {
        var x = TestData.Ints(new Random(length), length);
        x[0] = int.MinValue;
        using var t = _ops.FromArray(x, length);
        using var y = Apply(op, t);
        Assert.Equal(x.Select(v => ReferenceOps.Unary(op, v)), y.ToArray());
    }

    [Theory]
    [MemberData(nameof(IntegerCases))]
    public void UnaryInt8_Random_MatchesSaturatingReference(UnaryOperation op, int length)
    {
        var x = TestData.SBytes(new Random(length), length);
        x[0] = sbyte.MinValue;
        using var t = _ops.FromArray(x, length);
        using var y = Apply(op, t);
        Assert.Equal(x.Select(v => ReferenceOps.Unary(op, v)), y.ToArray());
    }

    [Theory]
    [InlineData(UnaryOperation.Relu, 0.0)]
    [InlineData(UnaryOperation.Neg, 0.0)]
    [InlineData(UnaryOperation.Abs, 0.0)]
    [InlineData(UnaryOperation.Sigmoid, 2e-7)]
    [InlineData(UnaryOperation.Tanh, 3e-7)]
    [InlineData(UnaryOperation.Sin, 1e-7)]
    [InlineData(UnaryOperation.Cos, 1e-7)]
    public void UnaryFloat32_RandomAndSpecialValues_MatchesReference(UnaryOperation op, double tolerance)
    {
        float[] special = [0f, -0f, 1e-6f, -1e-6f, 0.5f, -0.5f, 20f, -20f, 88f, -88f, 89f, -89f, 100f, -100f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        float[] x = [.. special, .. TestData.Floats(new Random(7), 61, 12f)];
        using var t = _ops.FromArray(x, x.Length);
        using var y = op switch
        {
            UnaryOperation.Sigmoid => t.Sigmoid(),
            UnaryOperation.Tanh => t.Tanh(),
            UnaryOperation.Sin => t.Sin(),
            UnaryOperation.Cos => t.Cos(),
            _ => Apply(op, t),
        };
        double[] expected = [.. x.Select(v => (double)ReferenceOps.Unary(op, v))];
        // Both absolute and relative slack: activations near 0 are compared absolutely, large ones relatively.
        TestData.AssertClose(expected, y.ToArray(), absolute: tolerance, relative: 4 * tolerance);
    }

    [Fact]
    public void Relu6AndClip_Random_MatchesClampReference()
    {
        var x = TestData.Floats(new Random(8), 45, 10f);
        using var t = _ops.FromArray(x, 5, 9);
        using var relu6 = t.Relu6();
        using var clip = t.Clip(-1.5f, 2.25f);
        Assert.Equal(x.Select(v => Math.Clamp(v, 0f, 6f)), relu6.ToArray());
        Assert.Equal(x.Select(v => Math.Clamp(v, -1.5f, 2.25f)), clip.ToArray());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(4, 16)]
    [InlineData(5, 33)]
    [InlineData(2, 1000)]
    public void Softmax_RandomRows_MatchesDoubleReference(int rows, int cols)
    {
        var x = TestData.Floats(new Random(rows * 31 + cols), rows * cols, 30f);
        using var t = _ops.FromArray(x, rows, cols);
        using var y = t.Softmax();
        TestData.AssertClose(ReferenceOps.Softmax(x, rows, cols), y.ToArray(), absolute: 1e-7, relative: 2e-6);
        for (int row = 0; row < rows; row++) Assert.Equal(1.0, y.ToArray().Skip(row * cols).Take(cols).Sum(v => (double)v), 5);
    }

    [Fact]
    public void Softmax_HugeLogits_StaysFinite()
    {
        using var t = _ops.FromArray([1000f, 999f, -1000f, 1000f, 0f], 1, 5);
        using var y = t.Softmax();
        TestData.AssertClose(ReferenceOps.Softmax([1000f, 999f, -1000f, 1000f, 0f], 1, 5), y.ToArray(), absolute: 1e-7, relative: 2e-6);
    }

    private static WasmTensor<T> Apply<T>(UnaryOperation op, WasmTensor<T> t) where T : unmanaged => op switch
    {
        UnaryOperation.Relu => t.Relu(),
        UnaryOperation.Neg => -t,
        UnaryOperation.Abs => t.Abs(),
        _ => throw new NotSupportedException(op.ToString()),
    };
}
