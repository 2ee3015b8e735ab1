using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The quantized kernels on the variants the ONNX node tests leave out (blocked scales, per-channel weights,
/// groups, strides, padding, broadcast batches), against the reference evaluation, with and without SIMD.
/// </summary>
public sealed class QuantizedKernelTests
{
    [Fact]
    public void QuantizeLinear_BlockedInt8_MatchesTheReference()
    {
        var inputs = new[] { Floats([2, 6], 40, seed: 99) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("q", 21);
            var x = Input(g, "x", DataType.Float32, [2, 6]);
            var scale = new Value("scale", Tensor.FromFloats([2, 2], [0.5f, 0.25f, 2, 0.125f]));
            var zero = new Value("zero", new Tensor(DataType.Int8, [2, 2], new sbyte[] { 3, -2, 0, 7 }));
            g.Initializers.AddRange([scale, zero]);
            g.Outputs.Add(g.AddNode("QuantizeLinear", [x, scale, zero], ["y"], new AttributeBag([("axis", 1L), ("block_size", 3L)])).Outputs[0]!);

            return g;
        }, inputs);
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void QuantizeThenDequantize_PerTensorElevenElements_MatchesTheReference(DataType type)
    {
        // 11 elements: two SIMD steps of 4 and 3 left to the scalar loop; values past the range saturate.
        var inputs = new[] { Floats([11], 9, seed: 98) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("qdq", 13);
            var x = Input(g, "x", DataType.Float32, [11]);
            var scale = new Value("scale", Tensor.FromFloats([], [0.03f]));
            var zero = new Value("zero", Tensor.FromDoubles(type, [], [type == DataType.Int8 ? -7 : 131]));
            g.Initializers.AddRange([scale, zero]);
            var q = g.AddNode("QuantizeLinear", [x, scale, zero], ["q"]).Outputs[0]!;
            g.Outputs.Add(g.AddNode("DequantizeLinear", [q, scale, zero], ["y"]).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void QuantizeLinear_PerTensorSpecialValues_MatchesTheReference(DataType type)
    {
        // 37 elements: two SIMD steps of 16, one of 4 and one scalar; ties (x.5 after the division by 0.5), values
        // past the range, infinities, -0 and NaN in each step.
        float[] special = [1.25f, 0.75f, -1.25f, -0.75f, 2.25f, 300f, -300f, float.PositiveInfinity, float.NegativeInfinity, -0f, float.NaN, 63.75f, -64.25f, 0.25f];
        var values = Enumerable.Range(0, 37).Select(i => i % 3 == 0 ? special[i / 3 % special.Length] : (float)((((i * 37) % 101) - 50) * 0.37)).ToArray();
        values[36] = float.NaN;
        var inputs = new[] { Tensor.FromFloats([37], values) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("q", 13);
            var x = Input(g, "x", DataType.Float32, [37]);
            var scale = new Value("scale", Tensor.FromFloats([], [0.5f]));
            var zero = new Value("zero", Tensor.FromDoubles(type, [], [type == DataType.Int8 ? -7 : 131]));
            g.Initializers.AddRange([scale, zero]);
            g.Outputs.Add(g.AddNode("QuantizeLinear", [x, scale, zero], ["y"]).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Fact]
    public void DequantizeLinear_PerAxisOnTheLastAxis_MatchesTheReference()
    {
        var inputs = new[] { Bytes(DataType.Int8, [3, 4], seed: 1) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("dq", 13);
            var x = Input(g, "x", DataType.Int8, [3, 4]);
            var scale = new Value("scale", Tensor.FromFloats([4], [0.5f, 0.25f, 2, 0.125f]));
            var zero = new Value("zero", new Tensor(DataType.Int8, [4], new sbyte[] { 3, -2, 0, 7 }));
            g.Initializers.AddRange([scale, zero]);
            g.Outputs.Add(g.AddNode("DequantizeLinear", [x, scale, zero], ["y"], new AttributeBag([("axis", -1L)])).Outputs[0]!);

            return g;
        }, inputs);
    }

    [Fact]
    public void QLinearConv_GroupedStridedPaddedPerChannel_MatchesTheReference()
    {
        var inputs = new[] { Bytes(DataType.UInt8, [1, 4, 7, 6], seed: 2) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("qconv", 13);
            var x = Input(g, "x", DataType.UInt8, [1, 4, 7, 6]);
            var w = new Value("w", Bytes(DataType.Int8, [6, 2, 3, 3], seed: 3));
            var bias = new Value("b", new Tensor(DataType.Int32, [6], new[] { 100, -50, 0, 7, -300, 20 }));
            Value[] parameters =
            [
                Scalar("xs", 0.05f), new Value("xz", new Tensor(DataType.UInt8, [], new byte[] { 128 })), w,
                new Value("ws", Tensor.FromFloats([6], [0.01f, 0.02f, 0.005f, 0.03f, 0.015f, 0.008f])), new Value("wz", new Tensor(DataType.Int8, [6], new sbyte[6])),
                Scalar("ys", 0.2f), new Value("yz", new Tensor(DataType.Int8, [], new sbyte[] { -5 })), bias,
            ];
            g.Initializers.AddRange(parameters);
            var attributes = new AttributeBag([("group", 2L), ("strides", new long[] { 2, 1 }), ("pads", new long[] { 1, 0, 1, 2 })]);
            g.Outputs.Add(g.AddNode("QLinearConv", [x, parameters[0], parameters[1], w, parameters[3], parameters[4], parameters[5], parameters[6], bias], ["y"], attributes).Outputs[0]!);

            return g;
        }, inputs);
    }

    [Theory]
    [InlineData("QLinearConv", 3)]
    [InlineData("ConvInteger", 3)]
    [InlineData("QLinearConv", 1)]
    [InlineData("ConvInteger", 1)]
    public void IntegerConv_UngroupedOddDepthPartialTiles_MatchesTheReference(string opType, int kernel)
    {
        // 3x3: K = 3 * 3 * 3 = 27 (odd: a half-empty last pair), 6 output channels (a 4-row and a 2-row tile), 4 x 5
        // = 20 output pixels (two 8-column tiles and 4 left over). 1x1: 5 channels (an odd one pairs with zeros),
        // 3 x 7 = 21 pixels (two 8-pixel packing steps and 5 element by element). Every edge of the SIMD GEMM path.
        int[] xShape = kernel == 3 ? [1, 3, 7, 6] : [1, 5, 3, 7];
        var inputs = new[] { Bytes(DataType.UInt8, xShape, seed: 6) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("iconv", 13);
            var x = Input(g, "x", DataType.UInt8, xShape);
            var w = new Value("w", Bytes(DataType.Int8, [6, xShape[1], kernel, kernel], seed: 7));
            var xz = new Value("xz", new Tensor(DataType.UInt8, [], new byte[] { 131 }));
            var wz = new Value("wz", new Tensor(DataType.Int8, [6], new sbyte[] { 0, 1, -2, 0, 3, 0 }));
            var attributes = kernel == 3 ? new AttributeBag([("strides", new long[] { 2, 1 }), ("pads", new long[] { 1, 0, 1, 1 })]) : null;
            Value?[] operands = opType == "ConvInteger"
                ? [x, w, xz, wz]
                : [x, Scalar("xs", 0.05f), xz, w, new Value("ws", Tensor.FromFloats([6], [0.01f, 0.02f, 0.005f, 0.03f, 0.015f, 0.008f])), wz,
                    Scalar("ys", 0.3f), new Value("yz", new Tensor(DataType.UInt8, [], new byte[] { 100 })), new Value("b", new Tensor(DataType.Int32, [6], new[] { 100, -50, 0, 7, -300, 20 }))];
            g.Initializers.AddRange(operands.Skip(1).OfType<Value>());
            g.Outputs.Add(g.AddNode(opType, operands, ["y"], attributes).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Theory]
    [InlineData(1, 1, DataType.UInt8)]
    [InlineData(2, 1, DataType.UInt8)]
    [InlineData(1, 2, DataType.Int8)]
    [InlineData(2, 2, DataType.Int8)]
    public void ConvInteger_WideRowsStridesDilations_MatchesTheReference(int strideW, int dilation, DataType type)
    {
        // 29 columns padded by 1: 8-pixel packing steps, the columns near the border that a step would overrun
        // (16 bytes loaded at stride 2), and taps in the padding; 3 channels (an odd one pairs with zeros).
        int[] xShape = [1, 3, 5, 29];
        var inputs = new[] { Bytes(type, xShape, seed: 8) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("iconv_wide", 13);
            var x = Input(g, "x", type, xShape);
            var w = new Value("w", Bytes(DataType.Int8, [5, 3, 3, 3], seed: 9));
            var xz = new Value("xz", type == DataType.UInt8 ? new Tensor(DataType.UInt8, [], new byte[] { 120 }) : new Tensor(DataType.Int8, [], new sbyte[] { -7 }));
            var wz = new Value("wz", new Tensor(DataType.Int8, [], new sbyte[] { 2 }));
            var attributes = new AttributeBag([("strides", new long[] { 1, strideW }), ("pads", new long[] { 1, 1, 1, 1 }), ("dilations", new long[] { dilation, dilation })]);
            g.Initializers.AddRange([w, xz, wz]);
            g.Outputs.Add(g.AddNode("ConvInteger", [x, w, xz, wz], ["y"], attributes).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Theory]
    [InlineData(7, 3, 3, 1, 48, DataType.UInt8)] // a ResNet stem: 4 tap pairs per row (the last with a zero weight), steps past both row ends
    [InlineData(3, 1, 1, 2, 31, DataType.Int8)] // one channel, dilated rows, an odd input width
    [InlineData(2, 0, 5, 1, 32, DataType.UInt8)] // an even kernel width: every pair two real taps
    public void IntegerConv_StrideTwoOddChannels_TapPairsMatchTheReference(int kernel, int pad, int channels, int dilationH, int width, DataType type)
    {
        // Output widths 24, 16 and 16 (whole panels per row): the tap-pair packing, in SIMD128 and relaxed builds
        // (7-bit weights), against the reference evaluation.
        int[] xShape = [1, channels, 9, width];
        var inputs = new[] { Bytes(type, xShape, seed: 13) };
        Graph Build()
        {
            var g = new Graph("iconv_pairs", 13);
            var x = Input(g, "x", type, xShape);
            var weights = Tensor.Zeros(DataType.Int8, [6, channels, kernel, kernel]);
            var random = new Random(14);
            for (var i = 0; i < weights.Length; i++)
            {
                weights.SetInt64(i, random.Next(-61, 61));
            }
            Value?[] operands =
            [
                x, Scalar("xs", 0.05f), new Value("xz", Tensor.FromDoubles(type, [], [type == DataType.UInt8 ? 131 : -7])), new Value("w", weights),
                new Value("ws", Tensor.FromFloats([6], [0.01f, 0.02f, 0.005f, 0.03f, 0.015f, 0.008f])), new Value("wz", new Tensor(DataType.Int8, [6], new sbyte[] { 0, 1, -2, 0, 3, 0 })),
                Scalar("ys", 0.3f), new Value("yz", new Tensor(DataType.UInt8, [], new byte[] { 100 })), new Value("b", new Tensor(DataType.Int32, [6], new[] { 100, -50, 0, 7, -300, 20 })),
            ];
            var attributes = new AttributeBag([("strides", new long[] { 2, 2 }), ("pads", new long[] { pad, pad, pad, pad }), ("dilations", new long[] { dilationH, 1 })]);
            g.Initializers.AddRange(operands.Skip(1).OfType<Value>());
            g.Outputs.Add(g.AddNode("QLinearConv", operands, ["y"], attributes).Outputs[0]!);
            return g;
        }
        AssertMatchesReference(Build, inputs);
        var expected = new ReferenceExecutor().Execute(Build(), inputs)[0];
        using var relaxed = new WasmExecutor(new CompileOptions { RelaxedSimd = true });
        Assert.Equal(expected.ToInt64Array(), relaxed.Execute(Build(), inputs)[0].ToInt64Array());
    }

    [Theory]
    [InlineData(3, 3, 1, 1, 19, DataType.UInt8)]
    [InlineData(3, 3, 2, 1, 19, DataType.Int8)]
    [InlineData(5, 5, 1, 1, 6, DataType.UInt8)]
    [InlineData(2, 4, 2, 1, 23, DataType.UInt8)]
    [InlineData(3, 3, 1, 2, 19, DataType.Int8)]
    [InlineData(3, 3, 1, 1, 7, DataType.UInt8)]
    [InlineData(3, 3, 1, 1, 5, DataType.Int8)]
    [InlineData(3, 3, 1, 1, 8, DataType.UInt8)]
    [InlineData(3, 3, 1, 1, 4, DataType.UInt8)]
    [InlineData(3, 4, 1, 1, 6, DataType.Int8)]
    [InlineData(1, 3, 1, 1, 16, DataType.UInt8)]
    public void QLinearConv_DepthwiseKernelShapes_MatchesTheReference(int kh, int kw, int stride, int dilation, int width, DataType type)
    {
        // The depthwise SIMD kernel: taps in pairs along a kernel row (odd rows end with a zero-weight partner,
        // even rows do not), stride 1 (even and odd outputs' pairs; rows of 4 shuffle the pairs) and 2 (pairs
        // loaded as they lie), rows of 8-output chunks with an overlapping last one, rows of 5 to 7 (one chunk of 8,
        // partly stored), rows of 4-output chunks, and dilation (one tap at a time).
        int[] xShape = [1, 5, 7, width];
        var inputs = new[] { Bytes(type, xShape, seed: 30) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("qdepthwise", 13);
            var x = Input(g, "x", type, xShape);
            Value[] operands =
            [
                x, Scalar("xs", 0.04f), new Value("xz", Tensor.FromDoubles(type, [], [type == DataType.Int8 ? -6 : 121])),
                new Value("w", Bytes(DataType.Int8, [5, 1, kh, kw], seed: 31)),
                new Value("ws", Tensor.FromFloats([5], [0.01f, 0.02f, 0.005f, 0.03f, 0.015f])), new Value("wz", new Tensor(DataType.Int8, [5], new sbyte[] { 0, 2, -1, 0, 5 })),
                Scalar("ys", 0.25f), new Value("yz", new Tensor(DataType.UInt8, [], new byte[] { 110 })),
                new Value("b", new Tensor(DataType.Int32, [5], new[] { 400, -90, 0, 17, -2000 })),
            ];
            g.Initializers.AddRange(operands.Skip(1));
            var attributes = new AttributeBag([("group", 5L), ("strides", new long[] { stride, stride }), ("dilations", new long[] { dilation, dilation }),
                ("pads", new long[] { kh / 2 * dilation, kw / 2 * dilation, (kh - 1) / 2 * dilation, (kw - 1) / 2 * dilation })]);
            g.Outputs.Add(g.AddNode("QLinearConv", operands, ["y"], attributes).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Fact]
    public void QLinearMatMul_BroadcastBatchesPerColumnScales_MatchesTheReference()
    {
        var inputs = new[] { Bytes(DataType.Int8, [2, 3, 5], seed: 4) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("qmm", 13);
            var a = Input(g, "a", DataType.Int8, [2, 3, 5]);
            var b = new Value("b", Bytes(DataType.Int8, [5, 4], seed: 5));
            Value[] parameters =
            [
                Scalar("as", 0.1f), new Value("az", new Tensor(DataType.Int8, [], new sbyte[] { 4 })), b,
                new Value("bs", Tensor.FromFloats([4], [0.01f, 0.02f, 0.05f, 0.03f])), new Value("bz", new Tensor(DataType.Int8, [4], new sbyte[] { 0, 1, -1, 2 })),
                Scalar("ys", 0.07f), new Value("yz", new Tensor(DataType.UInt8, [], new byte[] { 120 })),
            ];
            g.Initializers.AddRange(parameters);
            g.Outputs.Add(g.AddNode("QLinearMatMul", [a, .. parameters], ["y"]).Outputs[0]!);

            return g;
        }, inputs);
    }

    [Fact]
    public void QLinearConv_ScaledSumsBeyondTwoToThe22_SaturateAsTheReference()
    {
        // y_scale 2e-6: multipliers of 250-2,500, so most scaled sums lie far past the +-2^22 within which the
        // epilogue's float rounding trick works and must saturate as the reference's clamp does; sums near 0 do not.
        var inputs = new[] { Bytes(DataType.UInt8, [1, 6, 3, 11], seed: 21) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("iconv-saturate", 13);
            var x = Input(g, "x", DataType.UInt8, [1, 6, 3, 11]);
            Value[] operands =
            [
                x, Scalar("xs", 0.05f), new Value("xz", new Tensor(DataType.UInt8, [], new byte[] { 128 })), new Value("w", Bytes(DataType.Int8, [4, 6, 1, 1], seed: 22)),
                new Value("ws", Tensor.FromFloats([4], [0.01f, 0.1f, 0.001f, 0.05f])), new Value("wz", new Tensor(DataType.Int8, [4], new sbyte[4])),
                Scalar("ys", 2e-6f), new Value("yz", new Tensor(DataType.UInt8, [], new byte[] { 128 })),
            ];
            g.Initializers.AddRange(operands.Skip(1));
            g.Outputs.Add(g.AddNode("QLinearConv", operands, ["y"]).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Theory]
    [InlineData(3, DataType.UInt8)]
    [InlineData(1, DataType.Int8)]
    [InlineData(1, DataType.UInt8)]
    public void IntegerConv_SevenBitWeightsWithRelaxedSimd_RunsTheRelaxedDotAndMatchesTheReference(int kernel, DataType xType)
    {
        // Weights less their zero points in [-64, 63]: the relaxed dot's 7-bit operand. 3x3: 3 channels (a padding
        // channel), stride (2, 1), padding; 1x1: 5 channels, so 3 pairs and a quad half padded with x's zero point.
        int[] xShape = kernel == 3 ? [1, 3, 7, 6] : [1, 5, 3, 7];
        var inputs = new[] { Bytes(xType, xShape, seed: 16) };
        Graph Build()
        {
            var g = new Graph("iconv7", 13);
            var x = Input(g, "x", xType, xShape);
            var weights = Tensor.Zeros(DataType.Int8, [6, xShape[1], kernel, kernel]);
            var random = new Random(17);
            for (var i = 0; i < weights.Length; i++)
            {
                weights.SetInt64(i, random.Next(-61, 61));
            }
            var xz = new Value("xz", Tensor.FromDoubles(xType, [], [xType == DataType.UInt8 ? 131 : -7]));
            Value?[] operands =
            [
                x, Scalar("xs", 0.05f), xz, new Value("w", weights), new Value("ws", Tensor.FromFloats([6], [0.01f, 0.02f, 0.005f, 0.03f, 0.015f, 0.008f])),
                new Value("wz", new Tensor(DataType.Int8, [6], new sbyte[] { 0, 1, -2, 0, 3, 0 })),
                Scalar("ys", 0.3f), new Value("yz", new Tensor(DataType.UInt8, [], new byte[] { 100 })), new Value("b", new Tensor(DataType.Int32, [6], new[] { 100, -50, 0, 7, -300, 20 })),
            ];
            var attributes = kernel == 3 ? new AttributeBag([("strides", new long[] { 2, 1 }), ("pads", new long[] { 1, 0, 1, 1 })]) : null;
            g.Initializers.AddRange(operands.Skip(1).OfType<Value>());
            g.Outputs.Add(g.AddNode("QLinearConv", operands, ["y"], attributes).Outputs[0]!);
            return g;
        }
        var relaxed = new CompileOptions { RelaxedSimd = true };
        byte[] relaxedDot = [0xFD, 0x93, 0x02]; // i32x4.relaxed_dot_i8x16_i7x16_add_s
        Assert.True(ModelCompiler.Compile(Build(), relaxed).Wasm.AsSpan().IndexOf(relaxedDot) >= 0);

        var expected = new ReferenceExecutor().Execute(Build(), inputs)[0];
        using var executor = new WasmExecutor(relaxed);
        Assert.Equal(expected.ToInt64Array(), executor.Execute(Build(), inputs)[0].ToInt64Array());
    }

    [Theory]
    [InlineData(DataType.UInt8, 0.05f)]
    [InlineData(DataType.Int8, 0.05f)]
    [InlineData(DataType.UInt8, 4e-7f)]
    public void QLinearAdd_TwoVectorStepsAndATail_MatchesTheReference(DataType type, float cScale)
    {
        // 37 elements: two SIMD steps of 16 and 5 left to the scalar loop; the scales make sums saturate both ways.
        // C's scale 4e-7 puts most sums over it far past the +-2^22 within which the kernel's rounding trick works
        // unclamped (the kernel must clamp them first).
        var inputs = new[] { Bytes(type, [37], seed: 6), Bytes(type, [37], seed: 7) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("qadd", 13);
            var a = Input(g, "a", type, [37]);
            var b = Input(g, "b", type, [37]);
            var zero = (string name, int value) => new Value(name, Tensor.FromDoubles(type, [], [value]));
            Value[] aParameters = [Scalar("as", 0.031f), zero("az", type == DataType.Int8 ? -3 : 125)];
            Value[] bParameters = [Scalar("bs", 0.047f), zero("bz", type == DataType.Int8 ? 9 : 131)];
            Value[] cParameters = [Scalar("cs", cScale), zero("cz", type == DataType.Int8 ? 2 : 118)];
            g.Initializers.AddRange([.. aParameters, .. bParameters, .. cParameters]);
            g.Outputs.Add(g.AddNode("QLinearAdd", [a, .. aParameters, b, .. bParameters, .. cParameters], ["c"]).Outputs[0]!);
            return g;
        }, inputs);
    }

    [Theory]
    [InlineData(3, 2, 1, 1, 0, 41, DataType.UInt8)] // a ResNet stem's pooling: 16 per step, the last step overlapping
    [InlineData(3, 1, 1, 1, 0, 37, DataType.Int8)] // stride 1, signed
    [InlineData(2, 2, 0, 1, 1, 35, DataType.UInt8)] // ceil_mode: the last column's window overhangs the row
    [InlineData(3, 1, 0, 2, 0, 40, DataType.Int8)] // dilation 2
    [InlineData(3, 3, 1, 1, 0, 50, DataType.UInt8)] // stride 3: no vector path
    [InlineData(3, 2, 1, 1, 0, 12, DataType.UInt8)] // rows shorter than one vector step
    public void MaxPool_EightBitStridesPaddingDilation_MatchesTheReference(int kernel, int stride, int pad, int dilation, int ceilMode, int width, DataType type)
    {
        var inputs = new[] { Bytes(type, [1, 3, 9, width], seed: 12) };
        AssertMatchesReference(() =>
        {
            var g = new Graph("maxpool", 13);
            var x = Input(g, "x", type, [1, 3, 9, width]);
            g.Outputs.Add(g.AddNode("MaxPool", [x], ["y"], new AttributeBag(("kernel_shape", new long[] { kernel, kernel }), ("strides", new long[] { stride, stride }),
                ("pads", new long[] { pad, pad, pad, pad }), ("dilations", new long[] { dilation, dilation }), ("ceil_mode", (long)ceilMode))).Outputs[0]!);
            return g;
        }, inputs);
    }

    private static Value Input(Graph g, string name, DataType type, int[] shape)
    {
        var value = new Value(name, type, shape);
        g.Inputs.Add(value);
        return value;
    }

    private static Value Scalar(string name, float value) => new(name, Tensor.FromFloats([], [value]));

    private static Tensor Floats(int[] shape, float range, int seed)
    {
        var random = new Random(seed);
        return Tensor.FromFloats(shape, [.. Enumerable.Range(0, Shapes.ElementCount(shape)).Select(_ => (float)((random.NextDouble() * 2 - 1) * range))]);
    }

    private static Tensor Bytes(DataType type, int[] shape, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, Shapes.ElementCount(shape)).Select(_ => (long)random.Next(256)).ToArray();
        var tensor = Tensor.Zeros(type, shape);
        for (var i = 0; i < values.Length; i++)
        {
            tensor.SetInt64(i, type == DataType.Int8 ? values[i] - 128 : values[i]);
        }
        return tensor;
    }

    /// <summary>Each run gets its own graph: compiling rewrites it.</summary>
    private static void AssertMatchesReference(Func<Graph> build, Tensor[] inputs)
    {
        var expected = new ReferenceExecutor().Execute(build(), inputs)[0];
        foreach (var simd in new[] { true, false })
        {
            using var executor = new WasmExecutor(new CompileOptions { Simd = simd });
            var actual = executor.Execute(build(), inputs)[0];
            Assert.Equal(expected.DataType, actual.DataType);
            Assert.Equal(expected.ToInt64Array(), actual.ToInt64Array());
            Assert.Equal(expected.ToDoubleArray(), actual.ToDoubleArray());
        }
    }
}
