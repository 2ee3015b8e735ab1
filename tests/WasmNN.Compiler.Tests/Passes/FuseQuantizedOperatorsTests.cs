using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// QDQ layers become QLinearConv/QLinearMatMul (golden IR), and the fused integer kernels stay within one
/// quantization step of the float QDQ graph the reference evaluates node by node.
/// </summary>
public sealed class FuseQuantizedOperatorsTests
{
    [Fact]
    public void Run_ConvReluWithPerChannelWeightsAndFloatBias_BecomesQLinearConv()
    {
        GoldenIr.Check("FuseQuantizedOperators.ConvRelu", QdqConv(outputZero: 0), new FuseQuantizedOperators());
    }

    [Fact]
    public void Run_ReluWhoseZeroIsNotTheMinimum_KeptInFloat()
    {
        // y_zero_point 10: quantizing drops nothing below zero, so the Relu is not redundant and nothing fuses.
        GoldenIr.Check("FuseQuantizedOperators.ReluNotRedundant", QdqConv(outputZero: 10), new FuseQuantizedOperators());
    }

    [Theory]
    [InlineData(6f / 255, true)] // the quantized range [0, 6] is the Clip's: quantizing clamps the same
    [InlineData(0.05f, false)] // [0, 12.75] is wider than the Clip: it must stay (onnxruntime keeps it too)
    public void Run_Clip_DroppedOnlyWhenTheQuantizedRangeLiesWithinIt(float outputScale, bool fused)
    {
        var graph = QdqConv(outputZero: 0, clip: true, outputScale: outputScale);

        new FuseQuantizedOperators().Run(graph);

        Assert.Equal(fused, graph.Nodes.Any(n => n.OpType == "QLinearConv"));
        Assert.Equal(!fused, graph.Nodes.Any(n => n.OpType == "Clip"));
    }

    [Theory]
    [InlineData(9, 11, 1)] // rows of 11: chunks of 8, the last overlapping
    [InlineData(7, 6, 1)] // rows of 6: chunks of 4, the last overlapping
    [InlineData(12, 19, 2)] // stride 2, rows of 10
    [InlineData(7, 9, 2)] // stride 2, rows of 5
    public void CompiledDepthwiseConv_SimdKernel_WithinOneStepOfTheFloatGraph(int height, int width, int stride)
    {
        AssertWithinOneStep(() => QdqConv(outputZero: 0, clip: true, outputScale: 6f / 255, depthwise: true, height: height, width: width, stride: stride),
            Input(DataType.UInt8, [1, 4, height, width], seed: 9));
    }

    [Fact]
    public void Run_MatMulWithPerColumnWeights_BecomesQLinearMatMul()
    {
        GoldenIr.Check("FuseQuantizedOperators.MatMul", QdqMatMul(), new FuseQuantizedOperators());
    }

    [Fact]
    public void CompiledConv_FusedIntegerKernel_WithinOneStepOfTheFloatGraph()
    {
        AssertWithinOneStep(() => QdqConv(outputZero: 0), Input(DataType.UInt8, [1, 3, 6, 5], seed: 7));
    }

    [Fact]
    public void CompiledMatMul_FusedIntegerKernel_WithinOneStepOfTheFloatGraph()
    {
        AssertWithinOneStep(QdqMatMul, Input(DataType.Int8, [3, 6], seed: 8));
    }

    [Fact]
    public void Run_ClassifierGemmWithFloatOutput_BecomesMatMulIntegerAndAFloatEpilogue()
    {
        GoldenIr.Check("FuseQuantizedOperators.Gemm", QdqGemm(), new FuseQuantizedOperators());
    }

    [Theory]
    [InlineData(1)] // the classifier: one row
    [InlineData(3)]
    public void CompiledGemm_IntegerProduct_WithinFloatRoundingOfTheFloatGraph(int rows)
    {
        // The reference runs the float Gemm on the dequantized values; the integer sum is exact, so only float rounding differs.
        var input = Input(DataType.UInt8, [rows, 37], seed: 12);
        var expected = new ReferenceExecutor().Execute(QdqGemm(rows), [input])[0].AsFloat32();
        using var executor = new WasmExecutor();
        var actual = executor.Execute(QdqGemm(rows), [input])[0].AsFloat32();
        Assert.Equal(expected.Length, actual.Length);
        var bound = 1e-5f * expected.Max(Math.Abs);
        Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second - p.First, -bound, bound));
    }

    [Fact]
    public void Run_ResidualAddRelu_BecomesQLinearAddAndDropsTheDequantizations()
    {
        var graph = QdqAdd();

        new FuseQuantizedOperators().Run(graph);

        Assert.Equal(["QLinearAdd"], graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void CompiledAdd_FusedIntegerKernel_EqualsTheFloatGraph()
    {
        // Same float32 steps as DequantizeLinear, Add and QuantizeLinear: not one step off, the same bits.
        var inputs = new[] { Input(DataType.UInt8, [1, 4, 5, 7], seed: 10), Input(DataType.UInt8, [1, 4, 5, 7], seed: 11) };
        var expected = new ReferenceExecutor().Execute(QdqAdd(), inputs)[0].ToInt64Array();
        using var executor = new WasmExecutor();
        var fused = QdqAdd();
        Assert.Equal(expected, executor.Execute(fused, inputs)[0].ToInt64Array());
    }

    [Theory]
    [InlineData(0.0196387f, true)] // the quantizer gives a MaxPool's output its input's range: one scale
    [InlineData(0.02f, false)] // another scale rounds differently: it stays float
    public void Run_MaxPoolBetweenOneScale_BecomesMaxPoolOfTheQuantizedData(float outputScale, bool fused)
    {
        var graph = QdqMaxPool(outputScale);

        new FuseQuantizedOperators().Run(graph);

        Assert.Equal(fused ? ["MaxPool"] : ["DequantizeLinear", "MaxPool", "QuantizeLinear"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal(fused ? DataType.UInt8 : DataType.Float32, graph.Nodes.Single(n => n.OpType == "MaxPool").Inputs[0]!.ElementType);
    }

    [Fact]
    public void CompiledMaxPool_FusedIntegerKernel_EqualsTheFloatGraph()
    {
        // Dequantizing, taking the float maximum and quantizing back by the same scale gives every byte back.
        var input = Input(DataType.UInt8, [1, 4, 21, 40], seed: 12);
        var expected = new ReferenceExecutor().Execute(QdqMaxPool(0.0196387f), [input])[0].ToInt64Array();
        using var executor = new WasmExecutor();
        Assert.Equal(expected, executor.Execute(QdqMaxPool(0.0196387f), [input])[0].ToInt64Array());
    }

    /// <summary>x (uint8) -> DQ -> MaxPool 3x3 stride 2 pads 1 -> Q(uint8): a ResNet's stem after its Relu.</summary>
    private static Graph QdqMaxPool(float outputScale)
    {
        var g = new Graph("qdq_maxpool", 13);
        var xq = new Value("xq", DataType.UInt8, [1, 4, 21, 40]);
        g.Inputs.Add(xq);
        var x = g.AddNode("DequantizeLinear", [xq, g.AddConstant("xs", Tensor.Scalar(0.0196387f)), g.AddConstant("xz", new Tensor(DataType.UInt8, [], new byte[] { 3 }))],
            ["x"], name: "dq_x").Outputs[0]!;
        var pooled = g.AddNode("MaxPool", [x], ["pooled"], new AttributeBag(("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }),
            ("pads", new long[] { 1, 1, 1, 1 })), "maxpool").Outputs[0]!;
        g.Outputs.Add(g.AddNode("QuantizeLinear", [pooled, g.AddConstant("ys", Tensor.Scalar(outputScale)), g.AddConstant("yz", new Tensor(DataType.UInt8, [], new byte[] { 3 }))],
            ["y"], name: "q_y").Outputs[0]!);
        return g;
    }

    /// <summary>a, b (uint8) -> DQ each -> Add -> Relu -> Q(uint8, zero point 0): a ResNet's residual connection.</summary>
    private static Graph QdqAdd()
    {
        var g = new Graph("qdq_add", 13);
        Value Dequantized(string name, float scale, byte zero)
        {
            var q = new Value(name + "q", DataType.UInt8, [1, 4, 5, 7]);
            g.Inputs.Add(q);
            return g.AddNode("DequantizeLinear", [q, g.AddConstant(name + "s", Tensor.Scalar(scale)), g.AddConstant(name + "z", new Tensor(DataType.UInt8, [], new[] { zero }))],
                [name], name: "dq_" + name).Outputs[0]!;
        }
        var sum = g.AddNode("Add", [Dequantized("a", 0.02f, 131), Dequantized("b", 0.045f, 120)], ["sum"], name: "add").Outputs[0]!;
        var relu = g.AddNode("Relu", [sum], ["relu"], name: "relu").Outputs[0]!;
        g.Outputs.Add(g.AddNode("QuantizeLinear", [relu, g.AddConstant("ys", Tensor.Scalar(0.03f)), g.AddConstant("yz", new Tensor(DataType.UInt8, [], new byte[] { 0 }))], ["y"], name: "q_y").Outputs[0]!);
        return g;
    }

    /// <summary>
    /// x(uint8) -> DQ -> Conv(DQ(w int8, per channel), float bias, pads 1) -> Relu (or Clip(0, 6)) -> Q(uint8); with
    /// <paramref name="depthwise"/> 4 groups of one channel each and 3x3 taps at the given stride.
    /// </summary>
    private static Graph QdqConv(byte outputZero, bool clip = false, float outputScale = 0.05f, bool depthwise = false, int height = 6, int width = 5, int stride = 1)
    {
        var channels = depthwise ? 4 : 3;
        var g = new Graph("qdq_conv", 13);
        var xq = new Value("xq", DataType.UInt8, [1, channels, height, width]);
        g.Inputs.Add(xq);
        var x = g.AddNode("DequantizeLinear", [xq, g.AddConstant("xs", Tensor.Scalar(0.02f)), g.AddConstant("xz", new Tensor(DataType.UInt8, [], new byte[] { 120 }))], ["x"], name: "dq_x").Outputs[0]!;
        var wq = g.AddConstant("wq", Input(DataType.Int8, [4, depthwise ? 1 : 3, 3, 3], seed: 3));
        var w = g.AddNode("DequantizeLinear", [wq, g.AddConstant("ws", Tensor.FromFloats([4], [0.01f, 0.004f, 0.02f, 0.008f])),
            g.AddConstant("wz", new Tensor(DataType.Int8, [4], new sbyte[4]))], ["w"], new AttributeBag(("axis", 0L)), "dq_w").Outputs[0]!;
        var bias = g.AddConstant("bias", Tensor.FromFloats([4], [0.1f, -0.25f, 0.03f, 0.5f]));
        var attributes = depthwise
            ? new AttributeBag(("pads", new long[] { 1, 1, 1, 1 }), ("group", 4L), ("strides", new long[] { stride, stride }))
            : new AttributeBag(("pads", new long[] { 1, 1, 1, 1 }));
        var conv = g.AddNode("Conv", [x, w, bias], ["conv"], attributes, "conv").Outputs[0]!;
        var activation = clip
            ? g.AddNode("Clip", [conv, g.AddConstant("clip_min", Tensor.Scalar(0f)), g.AddConstant("clip_max", Tensor.Scalar(6f))], ["clip"], name: "clip").Outputs[0]!
            : g.AddNode("Relu", [conv], ["relu"], name: "relu").Outputs[0]!;
        g.Outputs.Add(g.AddNode("QuantizeLinear", [activation, g.AddConstant("ys", Tensor.Scalar(outputScale)), g.AddConstant("yz", new Tensor(DataType.UInt8, [], new[] { outputZero }))], ["y"], name: "q_y").Outputs[0]!);
        return g;
    }

    /// <summary>a(int8) -> DQ -> MatMul(DQ(b int8 [6, 4], per column)) -> Q(int8).</summary>
    private static Graph QdqMatMul()
    {
        var g = new Graph("qdq_matmul", 13);
        var aq = new Value("aq", DataType.Int8, [3, 6]);
        g.Inputs.Add(aq);
        var a = g.AddNode("DequantizeLinear", [aq, g.AddConstant("as", Tensor.Scalar(0.03f)), g.AddConstant("az", new Tensor(DataType.Int8, [], new sbyte[] { -4 }))], ["a"], name: "dq_a").Outputs[0]!;
        var b = g.AddNode("DequantizeLinear", [g.AddConstant("bq", Input(DataType.Int8, [6, 4], seed: 5)), g.AddConstant("bs", Tensor.FromFloats([4], [0.01f, 0.02f, 0.005f, 0.015f]))],
            ["b"], new AttributeBag(("axis", 1L)), "dq_b").Outputs[0]!;
        var product = g.AddNode("MatMul", [a, b], ["product"], name: "matmul").Outputs[0]!;
        g.Outputs.Add(g.AddNode("QuantizeLinear", [product, g.AddConstant("ys", Tensor.Scalar(0.04f)), g.AddConstant("yz", new Tensor(DataType.Int8, [], new sbyte[] { 3 }))], ["y"], name: "q_y").Outputs[0]!);
        return g;
    }

    /// <summary>A quantized classifier as the quantizer writes it: Gemm(DequantizeLinear(x), DequantizeLinear(W per row, transB), DequantizeLinear(int32 bias)).</summary>
    private static Graph QdqGemm(int rows = 1)
    {
        const int k = 37, n = 11;
        var g = new Graph("qdq_gemm", 13);
        var xq = new Value("xq", DataType.UInt8, [rows, k]);
        g.Inputs.Add(xq);
        var x = g.AddNode("DequantizeLinear", [xq, g.AddConstant("xs", Tensor.Scalar(0.02f)), g.AddConstant("xz", new Tensor(DataType.UInt8, [], new byte[] { 7 }))], ["x"], name: "dq_x").Outputs[0]!;
        var scales = Enumerable.Range(0, n).Select(j => 0.001f * (j + 1)).ToArray();
        var w = g.AddNode("DequantizeLinear", [g.AddConstant("wq", Input(DataType.Int8, [n, k], seed: 13)), g.AddConstant("ws", Tensor.FromFloats([n], scales))],
            ["w"], new AttributeBag(("axis", 0L)), "dq_w").Outputs[0]!;
        var biasScales = scales.Select(s => 0.02f * s).ToArray();
        var bias = g.AddNode("DequantizeLinear", [g.AddConstant("bq", new Tensor(DataType.Int32, [n], Enumerable.Range(0, n).Select(j => (j - 5) * 300).ToArray())),
            g.AddConstant("bs", Tensor.FromFloats([n], biasScales))], ["b"], new AttributeBag(("axis", 0L)), "dq_b").Outputs[0]!;
        g.Outputs.Add(g.AddNode("Gemm", [x, w, bias], ["y"], new AttributeBag(("transB", 1L)), "gemm").Outputs[0]!);
        return g;
    }

    private static Tensor Input(DataType type, int[] shape, int seed)
    {
        var random = new Random(seed);
        var tensor = Tensor.Zeros(type, shape);
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor.SetInt64(i, random.Next(256) + (type == DataType.Int8 ? -128 : 0));
        }
        return tensor;
    }

    private static void AssertWithinOneStep(Func<Graph> build, Tensor input)
    {
        var expected = new ReferenceExecutor().Execute(build(), [input])[0].ToInt64Array();
        using var executor = new WasmExecutor();
        var actual = executor.Execute(build(), [input])[0].ToInt64Array();
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second, p.First - 1, p.First + 1));
    }
}
