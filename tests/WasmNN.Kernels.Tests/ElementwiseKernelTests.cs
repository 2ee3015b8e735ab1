namespace WasmNN.Kernels.Tests;

public sealed class ElementwiseKernelTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private readonly KernelLibrary _ops = fixture.Library;

    public static TheoryData<BinaryOperation, int[], int[]> Shapes()
    {
        var data = new TheoryData<BinaryOperation, int[], int[]>();
        int[][][] shapes =
        [
            [[1], [1]], [[3], [3]], [[17], [17]], [[33], [33]], [[2, 35], [2, 35]], // same shape, odd sizes hit the scalar tail
            [[37], []], [[5, 7], [1]], [[], [19]],                                     // scalar on either side
            [[6, 19], [19]], [[3, 4, 16], [16]], [[4, 18], [1, 18]],                  // row vector (last axis)
            [[7, 5], [7, 1]], [[2, 3, 9], [3, 1]],                                     // column vector
            [[2, 1, 5], [1, 3, 1]], [[2, 3, 4, 5], [3, 1, 5]], [[1, 21], [9, 1]],      // general broadcasting
        ];
        foreach (var op in Enum.GetValues<BinaryOperation>())
        {
            foreach (var pair in shapes) data.Add(op, pair[0], pair[1]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BinaryFloat32_RandomBroadcastPair_MatchesScalarReference(BinaryOperation op, int[] aShape, int[] bShape) =>
        CheckBinary<float>(op, aShape, bShape, seed: 1);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BinaryInt32_RandomBroadcastPair_MatchesWrappingReference(BinaryOperation op, int[] aShape, int[] bShape) =>
        CheckBinary<int>(op, aShape, bShape, seed: 2);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BinaryInt8_RandomBroadcastPair_MatchesSaturatingReference(BinaryOperation op, int[] aShape, int[] bShape) =>
        CheckBinary<sbyte>(op, aShape, bShape, seed: 3);

    [Fact]
    public void AddInt8_Extremes_Saturate()
    {
        using var a = _ops.FromArray<sbyte>([127, -128, 100, -100, 127, -128, 0, 1, 127, -128, 100, -100, 127, -128, 0, 1, 127], 17);
        using var b = _ops.FromArray<sbyte>([1, -1, 100, -100, 127, -128, 0, -1, 1, -1, 100, -100, 127, -128, 0, -1, 1], 17);
        using var sum = a + b;
        using var product = a * b;
        Assert.Equal([127, -128, 127, -128, 127, -128, 0, 0, 127, -128, 127, -128, 127, -128, 0, 0, 127], sum.ToArray());
        Assert.Equal([127, 127, 127, 127, 127, 127, 0, -1, 127, 127, 127, 127, 127, 127, 0, -1, 127], product.ToArray());
    }

    [Fact]
    public void DivInt8_MinusOneIntoMinimum_SaturatesTo127()
    {
        using var a = _ops.FromArray<sbyte>([-128, -7, 7], 3);
        using var b = _ops.FromArray<sbyte>([-1, 2, -2], 3);
        using var quotient = a / b;
        Assert.Equal([127, -3, -3], quotient.ToArray());
    }

    [Fact]
    public void AddInt32_Overflow_Wraps()
    {
        using var a = _ops.FromArray([int.MaxValue, int.MinValue, 5, int.MaxValue, 1], 5);
        using var b = _ops.FromArray([1, -1, 6, int.MaxValue, 2], 5);
        using var sum = a + b;
        Assert.Equal([int.MinValue, int.MaxValue, 11, -2, 3], sum.ToArray());
    }

    [Fact]
    public void DivInt32_ZeroDivisor_Traps()
    {
        using var a = _ops.FromArray([1, 2, 3], 3);
        using var b = _ops.FromArray([1, 0, 3], 3);
        Assert.Throws<Engine.WasmTrapException>(() => a / b);
    }

    [Fact]
    public void BinaryKernel_ColumnStrideTwo_RunsScalarPathOnEveryOtherElement()
    {
        // Raw kernel call: a walks with column stride 2 (not a SIMD case), b is a row vector.
        var a = TestData.Floats(new Random(4), 3 * 22);
        var b = TestData.Floats(new Random(5), 11);
        using var ta = _ops.FromArray(a, 3, 22);
        using var tb = _ops.FromArray(b, 11);
        using var y = _ops.Zeros<float>(3, 11);
        _ops.Invoke("sub_f32", ta.Address, tb.Address, y.Address, 3, 11, 22, 2, 0, 1);
        var expected = new float[33];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 11; j++) expected[i * 11 + j] = a[i * 22 + j * 2] - b[j];
        Assert.Equal(expected, y.ToArray());
    }

    [Fact]
    public void ScalarOperators_BothSides_MatchReference()
    {
        var x = TestData.Floats(new Random(6), 23);
        using var t = _ops.FromArray(x, 23);
        using var a = 1f - t;
        using var b = t * 3f;
        using var c = 2f / t;
        Assert.Equal(x.Select(v => 1f - v), a.ToArray());
        Assert.Equal(x.Select(v => v * 3f), b.ToArray());
        Assert.Equal(x.Select(v => 2f / v), c.ToArray());
    }

    private void CheckBinary<T>(BinaryOperation op, int[] aShape, int[] bShape, int seed) where T : unmanaged
    {
        var random = new Random(seed + (int)op * 100 + aShape.Sum() * 7 + bShape.Length);
        var a = TestData.Random<T>(random, TestData.Product(aShape));
        var b = TestData.Random<T>(random, TestData.Product(bShape), nonZero: op == BinaryOperation.Div);
        var expected = ReferenceOps.Broadcast(op, a, aShape, b, bShape, out var expectedShape);
        using var ta = _ops.FromArray<T>(a, aShape);
        using var tb = _ops.FromArray<T>(b, bShape);
        using var y = op switch
        {
            BinaryOperation.Add => ta + tb,
            BinaryOperation.Sub => ta - tb,
            BinaryOperation.Mul => ta * tb,
            BinaryOperation.Div => ta / tb,
            BinaryOperation.Max => ta.Maximum(tb),
            _ => ta.Minimum(tb),
        };
        Assert.Equal(expectedShape, y.Shape.ToArray());
        Assert.Equal(expected, y.ToArray());
    }
}
