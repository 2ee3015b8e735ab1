using WasmNN.Runtime;

namespace WasmNN.Examples.TextRecognition;

/// <summary>What the recogniser read: the text and the mean probability of its characters.</summary>
public sealed record RecognizedText(string Text, float Confidence);

/// <summary>
/// Reads one line of text with a PaddleOCR CTC recognition model (PP-OCRv4 rec) compiled to WebAssembly: the image is
/// scaled to the model's height keeping its aspect ratio (capped at the model's width, the rest zero-padded, as
/// PaddleOCR's <c>resize_norm_img</c> does), normalised to [-1, 1] in BGR order (the models are trained on OpenCV
/// images), and the per-step class probabilities are decoded greedily: best class per step, repeats merged, blanks
/// (class 0) dropped.
/// </summary>
public sealed class TextLineRecognizer
{
    private readonly CompiledModel _model;
    private readonly IReadOnlyList<string> _alphabet;

    /// <param name="model">A compiled recognition model: one float32 input [1, 3, H, W], one output [1, steps, classes].</param>
    /// <param name="alphabet">Class 1.. of the model (class 0 is the CTC blank).</param>
    /// <exception cref="ArgumentException">The model's inputs or outputs do not have that form, or the alphabet does not fit it.</exception>
    public TextLineRecognizer(CompiledModel model, IReadOnlyList<string> alphabet)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(alphabet);
        if (model.Inputs is not [{ DType: "float32", Shape: [1, 3, > 0, > 0] }] || model.Outputs is not [{ DType: "float32", Shape: [1, > 0, > 0] }])
        {
            throw new ArgumentException("expected a recognition model with one float32 input [1, 3, H, W] and one float32 output [1, steps, classes]; "
                + $"this one has inputs {Describe(model.Inputs)} and outputs {Describe(model.Outputs)}", nameof(model));
        }
        if (model.Outputs[0].Shape[2] != alphabet.Count + 1)
        {
            throw new ArgumentException($"the model has {model.Outputs[0].Shape[2]} classes; the alphabet gives {alphabet.Count} characters plus the blank", nameof(alphabet));
        }
        (_model, _alphabet) = (model, alphabet);
    }

    /// <summary>Input height of the model in pixels.</summary>
    public int Height => _model.Inputs[0].Shape[2];

    /// <summary>Input width of the model in pixels (wider lines are squeezed to fit).</summary>
    public int Width => _model.Inputs[0].Shape[3];

    /// <summary>Reads the text in <paramref name="image"/>.</summary>
    public RecognizedText Recognize(PngImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _model.SetInput<float>(0, Preprocess(image, Height, Width));
        _model.Run();
        var output = _model.Outputs[0];
        return Decode(_model.OutputBuffer(0), output.Shape[1], output.Shape[2], _alphabet);
    }

    /// <summary>The PaddleOCR alphabet file: one character per line, then the space the models add at the end.</summary>
    public static IReadOnlyList<string> ReadAlphabet(string path) =>
        [.. File.ReadAllLines(path).Select(line => line.TrimEnd('\r')), " "];

    /// <summary>
    /// The model input, [3, height, width] flattened: bilinear scaling with pixel centres aligned (as OpenCV's
    /// INTER_LINEAR), (v / 255 - 0.5) / 0.5 per channel in B, G, R order, zero to the right of the scaled line.
    /// </summary>
    public static float[] Preprocess(PngImage image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        var scaledWidth = (int)Math.Min(width, Math.Ceiling(height * (double)image.Width / image.Height));
        var data = new float[3 * height * width];
        var sx = (double)image.Width / scaledWidth;
        var sy = (double)image.Height / height;
        for (var y = 0; y < height; y++)
        {
            var (y0, y1, fy) = Taps((y + 0.5) * sy - 0.5, image.Height);
            for (var x = 0; x < scaledWidth; x++)
            {
                var (x0, x1, fx) = Taps((x + 0.5) * sx - 0.5, image.Width);
                for (var c = 0; c < 3; c++)
                {
                    double Sample(int px, int py) => image.Rgb[((long)py * image.Width + px) * 3 + c];
                    var top = Sample(x0, y0) * (1 - fx) + Sample(x1, y0) * fx;
                    var bottom = Sample(x0, y1) * (1 - fx) + Sample(x1, y1) * fx;
                    var value = top * (1 - fy) + bottom * fy;
                    data[((2 - c) * height + y) * width + x] = (float)((value / 255 - 0.5) / 0.5);
                }
            }
        }
        return data;
    }

    private static (int Low, int High, double Fraction) Taps(double position, int size)
    {
        position = Math.Clamp(position, 0, size - 1);
        var low = (int)Math.Floor(position);
        return (low, Math.Min(low + 1, size - 1), position - low);
    }

    /// <summary>Greedy CTC decoding of [steps, classes] probabilities: the best class per step, repeats merged, blanks dropped, ends trimmed.</summary>
    public static RecognizedText Decode(ReadOnlySpan<float> probabilities, int steps, int classes, IReadOnlyList<string> alphabet)
    {
        ArgumentNullException.ThrowIfNull(alphabet);
        var text = new System.Text.StringBuilder();
        double confidence = 0;
        var characters = 0;
        var previous = 0;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (row[k] > row[best]) best = k;
            }
            if (best != 0 && best != previous)
            {
                text.Append(alphabet[best - 1]);
                confidence += row[best];
                characters++;
            }
            previous = best;
        }
        // Padding and margins sometimes decode as a space at either end; a line reader reports the words.
        return new RecognizedText(text.ToString().Trim(), characters == 0 ? 0 : (float)(confidence / characters));
    }

    private static string Describe(IReadOnlyList<WasmNN.Compiler.Abi.TensorInfo> tensors) =>
        "[" + string.Join(", ", tensors.Select(t => $"{t.Name}: {t.DType}[{string.Join(",", t.Shape)}]")) + "]";
}
