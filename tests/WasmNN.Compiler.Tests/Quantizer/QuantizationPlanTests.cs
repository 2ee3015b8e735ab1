using Google.Protobuf;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.Tests.RealModels;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Quantizer;
using WasmNN.Compiler.Zoo;
using WasmNN.Onnx.Protos;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Quantizer;

/// <summary>
/// Static quantization end to end on a small residual CNN: plan, calibrate on our engine, write QDQ, then check the
/// written model against onnxruntime-node (the reference that must run it) and the float model.
/// </summary>
public sealed class QuantizationPlanTests
{
    /// <summary>conv-bn-relu, maxpool, a residual block (depthwise conv-bn-relu6, conv-bn, add, relu), pooled Gemm [, Softmax].</summary>
    private static ModelProto SmallCnn(bool softmax = false)
    {
        var b = new OnnxModelBuilder("small_cnn", seed: 3);
        var x = b.Input("input", 1, 3, 32, 32);
        x = b.MaxPool(b.Relu(b.BatchNorm(b.Conv(x, 3, 16, 3, pad: 1, bias: false), 16)), 2, 2);
        var y = b.Relu6(b.BatchNorm(b.Conv(x, 16, 16, 3, pad: 1, group: 16, bias: false), 16));
        y = b.BatchNorm(b.Conv(y, 16, 16, 1), 16, gamma: 0.5);
        x = b.Relu(b.Add(x, y));
        var logits = b.Linear(b.GlobalAveragePoolFlatten(x), 16, 10);
        b.Output(softmax ? b.Softmax(logits) : logits, "output", 1, 10);
        return b.Build();
    }

    [Fact]
    public void Create_SmallCnn_FoldsBatchNormFusesActivationsAndKeepsSoftmaxFloat()
    {
        var plan = QuantizationPlan.Create(SmallCnn(softmax: true), "small_cnn.onnx");

        Assert.Equal(3, plan.FoldedBatchNorms);
        Assert.Equal(["Conv", "Conv", "Conv", "Gemm"], plan.Layers.Select(l => l.OpType));
        Assert.Equal([true, true, false, false], plan.Layers.Select(l => l.FusedActivation is not null));
        var softmax = Assert.Single(plan.FloatNodes);
        Assert.Equal(("Softmax", "no integer kernel for this operator"), (softmax.OpType, softmax.Reason));
        Assert.DoesNotContain(plan.Model.Graph.Node, n => n.OpType == "BatchNormalization");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(7)] // weights in [-63, 63], built with relaxed SIMD: the relaxed-dot kernel
    public void Apply_SmallCnn_OnnxRuntimeRunsItCloseToTheFloatModelAndOurBuildMatchesIt(int weightBits)
    {
        var original = SmallCnn();
        var plan = QuantizationPlan.Create(original, "small_cnn.onnx");
        var samples = CalibrationSamples.Random(4, plan.Inputs, seed: 11);
        var result = plan.Apply(Calibration.Run(plan, samples), weightBits);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "QuantizeLinear");
        var weightLimit = (1 << (weightBits - 1)) - 1;
        var weights = result.Model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8)
            .SelectMany(t => OnnxTensors.ToTensor(t, t.Name).ToInt64Array()).ToArray();
        Assert.Contains(weights, q => Math.Abs(q) == weightLimit);
        Assert.All(weights, q => Assert.InRange(q, -weightLimit, weightLimit));
        var input = samples[0]["input"];

        var folder = Directory.CreateTempSubdirectory("wasmnn-quantize-");
        try
        {
            string Write(string name, ModelProto model)
            {
                var path = Path.Combine(folder.FullName, name);
                File.WriteAllBytes(path, model.ToByteArray());
                return path;
            }
            var floatPath = Write("float.onnx", original);
            var foldedPath = Write("folded.onnx", plan.Model);
            var quantizedPath = Write("int8.onnx", result.Model);
            float[] Ort(string path) => OnnxRuntimeNode.Run(path, [("input", input)])[0].AsFloat32();
            var reference = Ort(floatPath);
            var folded = Ort(foldedPath);
            var quantized = Ort(quantizedPath);

            // Folding BatchNormalization changes nothing but float rounding.
            Assert.All(reference.Zip(folded), p => Assert.InRange(p.Second - p.First, -1e-4f, 1e-4f));
            // The int8 model keeps the float model's top class, and its (float) logits stay within 5% of their range.
            var tolerance = 0.05f * (reference.Max() - reference.Min());
            Assert.Equal(ArgMax(reference), ArgMax(quantized));
            Assert.All(reference.Zip(quantized), p => Assert.InRange(p.Second - p.First, -tolerance, tolerance));
            // The model's output (the Gemm's, through an Identity) stays float.
            var gemm = result.Model.Graph.Node.Single(n => n.OpType == "Gemm");
            Assert.DoesNotContain(result.Model.Graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == gemm.Output[0]);

            // Our build of the same quantized model computes what onnxruntime does: every integer layer's
            // requantization is onnxruntime's, so only the float rounding of the last Gemm differs.
            using var ours = CompiledModel.Load(ModelCompiler.Compile(quantizedPath, new CompileOptions { RelaxedSimd = weightBits == 7 }).Wasm);
            ours.SetInput(0, input.AsFloat32().AsSpan());
            ours.Run();
            Assert.All(quantized.Zip(ours.OutputBuffer(0).ToArray()), p => Assert.InRange(p.Second - p.First, -1e-4f * tolerance, 1e-4f * tolerance));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());
}
