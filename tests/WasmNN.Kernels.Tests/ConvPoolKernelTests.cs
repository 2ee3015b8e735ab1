namespace WasmNN.Kernels.Tests;

public sealed class ConvPoolKernelTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private readonly KernelLibrary _ops = fixture.Library;

    public static TheoryData<int[], bool> ConvCases() => new()
    {
        // n, c, h, w, k, r, s, stride_h, stride_w, pad_h, pad_w; with bias?
        { [1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0], false },
        { [1, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1], true },    // "same" 3x3
        { [2, 3, 9, 7, 5, 3, 3, 2, 2, 1, 1], true },    // stride 2, odd sizes
        { [1, 4, 6, 6, 8, 1, 1, 1, 1, 0, 0], true },    // pointwise: direct product, no im2col
        { [1, 2, 7, 11, 3, 5, 3, 1, 2, 2, 1], true },   // rectangular kernel, different strides and pads
        { [2, 5, 10, 10, 6, 3, 3, 3, 3, 0, 0], false },
        { [1, 2, 4, 4, 3, 4, 4, 1, 1, 3, 3], true },    // padding wider than half the kernel
        { [1, 1, 1, 9, 2, 1, 3, 1, 1, 0, 1], true },    // one row
        { [1, 3, 5, 5, 2, 1, 1, 2, 2, 0, 0], true },    // 1x1 with stride: the im2col path
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2dFloat32_Random_MatchesDirectReference(int[] p, bool withBias)
    {
        int n = p[0], c = p[1], h = p[2], w = p[3], k = p[4], r = p[5], s = p[6];
        var random = new Random(p.Sum() + (withBias ? 1 : 0));
        var x = TestData.Floats(random, n * c * h * w);
        var weights = TestData.Floats(random, k * c * r * s);
        var bias = withBias ? TestData.Floats(random, k) : null;
        using var tx = _ops.FromArray(x, n, c, h, w);
        using var tw = _ops.FromArray(weights, k, c, r, s);
        using var tb = bias is null ? null : _ops.FromArray(bias, k);
        using var y = tx.Conv2d(tw, tb, (p[7], p[8]), (p[9], p[10]));
        var expected = ReferenceOps.Conv2d(x, weights, bias, n, c, h, w, k, r, s, p[7], p[8], p[9], p[10], out int oh, out int ow);
        Assert.Equal([n, k, oh, ow], y.Shape.ToArray());
        TestData.AssertClose(expected, y.ToArray(), absolute: 1e-5 * c * r * s, relative: 1e-5);
    }

    [Fact]
    public void Conv2d_ScratchIsFreedAfterTheCall()
    {
        using var x = _ops.Zeros<float>(1, 2, 6, 6);
        using var w = _ops.Zeros<float>(3, 2, 3, 3);
        TestData.SettleFinalizers();
        int before = _ops.LiveAllocations;
        using var y = x.Conv2d(w, padding: 1);
        Assert.Equal(before + 1, _ops.LiveAllocations);
    }

    public static TheoryData<int, int, int, int, int> PoolCases() => new()
    {
        // h, w, kernel, stride, pad
        { 4, 4, 2, 2, 0 }, { 7, 9, 3, 2, 1 }, { 5, 5, 3, 1, 1 }, { 6, 11, 2, 1, 0 }, { 9, 9, 3, 3, 0 }, { 1, 8, 1, 2, 0 },
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void MaxPool2dFloat32_Random_MatchesReference(int h, int w, int kernel, int stride, int pad)
    {
        var x = TestData.Floats(new Random(h * 100 + w), 2 * 3 * h * w);
        using var t = _ops.FromArray(x, 2, 3, h, w);
        using var y = t.MaxPool2d(kernel, stride, pad);
        TestData.AssertClose(ReferenceOps.Pool2d(x, 6, h, w, kernel, kernel, stride, pad, average: false, countIncludePad: false), y.ToArray(), 0);
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void AvgPool2dFloat32_RandomBothDivisors_MatchesReference(int h, int w, int kernel, int stride, int pad)
    {
        var x = TestData.Floats(new Random(h * 100 + w + 1), 2 * 3 * h * w);
        using var t = _ops.FromArray(x, 2, 3, h, w);
        foreach (bool includePad in new[] { false, true })
        {
            using var y = t.AvgPool2d(kernel, stride, pad, includePad);
            TestData.AssertClose(ReferenceOps.Pool2d(x, 6, h, w, kernel, kernel, stride, pad, average: true, includePad), y.ToArray(), 1e-6, 1e-6);
        }
    }
}
