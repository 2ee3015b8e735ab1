using WasmNN.Engine;
using WasmNN.Kernels.Frontend;

namespace WasmNN.Kernels.Tests;

public sealed class FrontendTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private readonly KernelLibrary _ops = fixture.Library;

    [Fact]
    public void Mlp_TwoLayersOpByOp_MatchesPlainCSharp()
    {
        const int batch = 5, inputs = 13, hidden = 21, outputs = 7;
        var random = new Random(21);
        var x = TestData.Floats(random, batch * inputs, 1f);
        var w1 = TestData.Floats(random, inputs * hidden, 0.5f);
        var b1 = TestData.Floats(random, hidden, 0.5f);
        var w2 = TestData.Floats(random, hidden * outputs, 0.5f);
        var b2 = TestData.Floats(random, outputs, 0.5f);

        using var tx = _ops.FromArray(x, batch, inputs);
        using var tw1 = _ops.FromArray(w1, inputs, hidden);
        using var tb1 = _ops.FromArray(b1, hidden);
        using var tw2 = _ops.FromArray(w2, hidden, outputs);
        using var tb2 = _ops.FromArray(b2, outputs);
        using var y = ((tx.MatMul(tw1) + tb1).Relu().MatMul(tw2) + tb2).Softmax();

        var expected = new double[batch * outputs];
        for (int i = 0; i < batch; i++)
        {
            var h = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double sum = b1[j];
                for (int p = 0; p < inputs; p++) sum += x[i * inputs + p] * w1[p * hidden + j];
                h[j] = Math.Max(sum, 0);
            }
            var logits = new double[outputs];
            for (int j = 0; j < outputs; j++)
            {
                double sum = b2[j];
                for (int p = 0; p < hidden; p++) sum += h[p] * w2[p * outputs + j];
                logits[j] = sum;
            }
            double max = logits.Max(), total = logits.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < outputs; j++) expected[i * outputs + j] = Math.Exp(logits[j] - max) / total;
        }
        Assert.Equal([batch, outputs], y.Shape.ToArray());
        TestData.AssertClose(expected, y.ToArray(), absolute: 1e-5);
    }

    [Fact]
    public void ConvNet_ConvReluPoolDense_MatchesPlainCSharp()
    {
        // conv 3x3 pad 1 (2 -> 4 channels) -> relu -> maxpool 2 -> flatten -> dense 4*4*4 -> 3 -> sigmoid
        var random = new Random(22);
        var x = TestData.Floats(random, 2 * 2 * 8 * 8, 1f);
        var wc = TestData.Floats(random, 4 * 2 * 3 * 3, 0.5f);
        var bc = TestData.Floats(random, 4, 0.5f);
        var wd = TestData.Floats(random, 64 * 3, 0.3f);

        using var tx = _ops.FromArray(x, 2, 2, 8, 8);
        using var twc = _ops.FromArray(wc, 4, 2, 3, 3);
        using var tbc = _ops.FromArray(bc, 4);
        using var twd = _ops.FromArray(wd, 64, 3);
        using var features = tx.Conv2d(twc, tbc, stride: 1, padding: 1).Relu().MaxPool2d(2);
        using var flat = features.Reshape(2, -1);
        using var y = flat.MatMul(twd).Sigmoid();

        var conv = ReferenceOps.Conv2d(x, wc, bc, 2, 2, 8, 8, 4, 3, 3, 1, 1, 1, 1, out _, out _);
        var expected = new double[2 * 3];
        for (int img = 0; img < 2; img++)
        {
            var pooled = new double[64];
            for (int c = 0; c < 4; c++)
            for (int py = 0; py < 4; py++)
            for (int px = 0; px < 4; px++)
            {
                double m = double.NegativeInfinity;
                for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                    m = Math.Max(m, Math.Max(0, conv[((img * 4 + c) * 8 + py * 2 + dy) * 8 + px * 2 + dx]));
                pooled[(c * 4 + py) * 4 + px] = m;
            }
            for (int j = 0; j < 3; j++)
            {
                double sum = 0;
                for (int p = 0; p < 64; p++) sum += pooled[p] * wd[p * 3 + j];
                expected[img * 3 + j] = 1 / (1 + Math.Exp(-sum));
            }
        }
        Assert.Equal([2, 3], y.Shape.ToArray());
        TestData.AssertClose(expected, y.ToArray(), absolute: 1e-5);
    }

    [Fact]
    public void Reshape_View_SharesStorageAndInfersDimension()
    {
        using var t = _ops.FromArray(Enumerable.Range(0, 24).ToArray(), 2, 3, 4);
        using var view = t.Reshape(4, -1);
        Assert.Equal([4, 6], view.Shape.ToArray());
        Assert.Equal(t.Address, view.Address);
        Assert.Equal([6, 1], view.Strides);
        Assert.Equal(t.ToArray(), view.ToArray());
        Assert.Throws<ArgumentException>(() => t.Reshape(5, -1));
    }

    [Fact]
    public void Dispose_TensorAndView_FreesStorageAfterTheLast()
    {
        TestData.SettleFinalizers();
        int before = _ops.LiveAllocations;
        var t = _ops.Zeros<int>(100);
        var view = t.Reshape(10, 10);
        t.Dispose();
        Assert.Equal(before + 1, _ops.LiveAllocations);
        view.Dispose();
        Assert.Equal(before, _ops.LiveAllocations);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray());
    }

    [Fact]
    public void FromArray_LargerThanMemory_GrowsLinearMemory()
    {
        using var library = KernelLibrary.Load();
        long initial = library.Memory.Length;
        var data = TestData.Floats(new Random(23), 1_000_003);
        using var a = library.FromArray(data, data.Length);
        using var b = library.FromArray(data, data.Length);
        using var sum = a + b;
        Assert.True(library.Memory.Length >= 3 * 4L * data.Length, $"memory stayed at {library.Memory.Length} bytes (from {initial})");
        Assert.Equal(data.Select(v => v + v), sum.ToArray());
    }

    [Fact]
    public void Binary_ShapesThatDoNotBroadcast_Throw()
    {
        using var a = _ops.Zeros<float>(3, 4);
        using var b = _ops.Zeros<float>(3);
        Assert.Throws<ArgumentException>(() => a + b);
    }

    [Fact]
    public void Operation_TensorOfAnotherLibrary_Throws()
    {
        using var other = KernelLibrary.Load();
        using var a = _ops.Zeros<float>(2);
        using var b = other.Zeros<float>(2);
        Assert.Throws<ArgumentException>(() => a + b);
    }

    [Fact]
    public void Zeros_UnsupportedElementType_Throws()
    {
        Assert.Throws<NotSupportedException>(() => _ops.Zeros<double>(2));
    }

    [Fact]
    public void Allocator_FreedNeighbours_MergeAndAreReused()
    {
        using var memory = new WasmMemory(1);
        var allocator = new LinearMemoryAllocator(memory);
        int a = allocator.Allocate(100);
        int b = allocator.Allocate(100);
        int c = allocator.Allocate(100);
        Assert.NotEqual(0, a);
        Assert.All(new[] { a, b, c }, address => Assert.Equal(0, address % LinearMemoryAllocator.Alignment));
        allocator.Free(a);
        allocator.Free(b);
        // a and b merged: a 200-byte block fits where they were.
        Assert.Equal(a, allocator.Allocate(200));
        allocator.Free(c);
        Assert.Throws<ArgumentException>(() => allocator.Free(c));
    }

    [Fact]
    public void Allocator_FreeLater_IsPerformedAtTheNextAllocation()
    {
        using var memory = new WasmMemory(1);
        var allocator = new LinearMemoryAllocator(memory);
        int a = allocator.Allocate(64);
        allocator.FreeLater(a);
        Assert.Equal(1, allocator.AllocationCount);
        Assert.Equal(a, allocator.Allocate(64));
        Assert.Equal(1, allocator.AllocationCount);
    }

    [Fact]
    public void Allocator_BeyondTheMemoryCap_ThrowsOutOfMemory()
    {
        using var memory = new WasmMemory(1, maximumPages: 2);
        var allocator = new LinearMemoryAllocator(memory);
        allocator.Allocate(100_000);
        Assert.Throws<OutOfMemoryException>(() => allocator.Allocate(100_000));
    }
}
