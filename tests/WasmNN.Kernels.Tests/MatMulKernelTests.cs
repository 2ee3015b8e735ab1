namespace WasmNN.Kernels.Tests;

public sealed class MatMulKernelTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private readonly KernelLibrary _ops = fixture.Library;

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 1, 5, 1 }, { 3, 5, 7 }, { 4, 8, 8 }, { 5, 9, 13 }, { 8, 3, 16 }, { 7, 1, 9 },
        { 17, 33, 19 }, { 4, 0, 8 }, { 33, 64, 45 }, { 64, 64, 64 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatMulFloat32_RandomMatrices_MatchesDoubleReference(int m, int k, int n)
    {
        var random = new Random(m * 1000 + k * 10 + n);
        var a = TestData.Floats(random, m * k);
        var b = TestData.Floats(random, k * n);
        using var ta = _ops.FromArray(a, m, k);
        using var tb = _ops.FromArray(b, k, n);
        using var c = ta.MatMul(tb);
        Assert.Equal([m, n], c.Shape.ToArray());
        AssertProductClose(ReferenceOps.MatMul(a, b, m, k, n, out var magnitude), magnitude, c.ToArray());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatMulInt8_RandomMatrices_MatchesExactInt32Reference(int m, int k, int n)
    {
        var random = new Random(m * 1000 + k * 10 + n + 1);
        var a = TestData.SBytes(random, m * k);
        var b = TestData.SBytes(random, k * n);
        a[0..Math.Min(a.Length, 3)].AsSpan().Fill(sbyte.MinValue);
        using var ta = _ops.FromArray(a, m, k);
        using var tb = _ops.FromArray(b, k, n);
        using var c = ta.MatMul(tb);
        Assert.Equal([m, n], c.Shape.ToArray());
        Assert.Equal(ReferenceOps.MatMulInt8(a, b, m, k, n), c.ToArray());
    }

    [Fact]
    public void MatMulInt8_AllMinimum_AccumulatesExactly()
    {
        const int m = 5, k = 300, n = 11;
        var a = Enumerable.Repeat(sbyte.MinValue, m * k).ToArray();
        var b = Enumerable.Repeat(sbyte.MinValue, k * n).ToArray();
        using var ta = _ops.FromArray(a, m, k);
        using var tb = _ops.FromArray(b, k, n);
        using var c = ta.MatMul(tb);
        Assert.All(c.ToArray(), v => Assert.Equal(128 * 128 * k, v));
    }

    [Fact]
    public void MatMulFloat32_BatchedBothSides_MatchesPerBatchReference()
    {
        const int batch = 3, m = 5, k = 6, n = 7;
        var random = new Random(11);
        var a = TestData.Floats(random, batch * m * k);
        var b = TestData.Floats(random, batch * k * n);
        using var ta = _ops.FromArray(a, batch, m, k);
        using var tb = _ops.FromArray(b, batch, k, n);
        using var c = ta.MatMul(tb);
        Assert.Equal([batch, m, n], c.Shape.ToArray());
        var actual = c.ToArray();
        for (int i = 0; i < batch; i++)
        {
            var expected = ReferenceOps.MatMul(a[(i * m * k)..((i + 1) * m * k)], b[(i * k * n)..((i + 1) * k * n)], m, k, n, out var magnitude);
            AssertProductClose(expected, magnitude, actual[(i * m * n)..((i + 1) * m * n)]);
        }
    }

    [Fact]
    public void MatMulFloat32_VectorTimesMatrix_ReturnsVector()
    {
        var random = new Random(12);
        var a = TestData.Floats(random, 9);
        var b = TestData.Floats(random, 9 * 6);
        using var ta = _ops.FromArray(a, 9);
        using var tb = _ops.FromArray(b, 9, 6);
        using var c = ta.MatMul(tb);
        Assert.Equal([6], c.Shape.ToArray());
        AssertProductClose(ReferenceOps.MatMul(a, b, 1, 9, 6, out var magnitude), magnitude, c.ToArray());
    }

    [Fact]
    public void MatMul_InnerSizesDiffer_Throws()
    {
        using var a = _ops.Zeros<float>(2, 3);
        using var b = _ops.Zeros<float>(4, 2);
        Assert.Throws<ArgumentException>(() => a.MatMul(b));
    }

    internal static void AssertProductClose(double[] expected, double[] magnitude, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            // Float accumulation error grows with the sum of |terms|.
            double tolerance = 1e-5 * magnitude[i] + 1e-6;
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
