using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>How GridSample interpolates.</summary>
public enum GridSampleMode
{
    /// <summary>The nearest pixel (round half to even, as PyTorch's 2-D nearbyint).</summary>
    Nearest,
    /// <summary>Bilinear ("bilinear" before opset 20, "linear" from it).</summary>
    Linear,
    /// <summary>Bicubic with a = -0.75 ("bicubic" before opset 20, "cubic" from it).</summary>
    Cubic,
}

/// <summary>Attributes of GridSample.</summary>
/// <param name="Mode">The interpolation.</param>
/// <param name="PaddingMode">zeros, border or reflection: the value at locations outside the input.</param>
/// <param name="AlignCorners">Whether -1 and 1 are the centres of the corner pixels (else their outer edges).</param>
public sealed record GridSampleAttributes(GridSampleMode Mode, string PaddingMode, bool AlignCorners) : OperatorAttributes;

/// <summary>ONNX GridSample (opsets 16 and 20) on 2-D inputs: samples X [N, C, H, W] at the normalised (x, y) positions of grid [N, Ho, Wo, 2].</summary>
/// <remarks>
/// The ONNX reference's steps: x = ((g + 1) W - 1) / 2 (or (g + 1)(W - 1) / 2 with align_corners); for nearest,
/// rounded half to even; a coordinate outside [-0.5, W - 0.5] ([0, W - 1] with align_corners) is clamped to
/// [0, W - 1] (border) or reflected into the range (reflection); then the taps floor(x) + k (k in 0..1 linear,
/// -1..2 cubic, the truncated x for nearest) are read with the padding mode (zeros: 0 outside; border: clamped;
/// reflection: reflected and truncated) and weighted by the linear or Keys cubic (a = -0.75) coefficients of
/// x - floor(x). <see cref="Taps"/> computes taps and weights for one axis, for this evaluation and the kernel alike.
/// </remarks>
public sealed class GridSampleOperator : OnnxOperator
{
    /// <summary>The cubic convolution's a.</summary>
    public const double CubicA = -0.75;

    /// <inheritdoc/>
    public override string OpType => "GridSample";

    /// <inheritdoc/>
    public override int MinOpset => 16;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var mode = attributes.GetString("mode", opset >= 20 ? "linear" : "bilinear") switch
        {
            "nearest" => GridSampleMode.Nearest,
            "bilinear" or "linear" => GridSampleMode.Linear,
            "bicubic" or "cubic" => GridSampleMode.Cubic,
            var other => throw new OperatorException($"mode '{other}' is not a GridSample mode (nearest, linear, cubic)"),
        };
        var padding = attributes.GetString("padding_mode", "zeros");
        if (padding is not ("zeros" or "border" or "reflection"))
        {
            throw new OperatorException($"padding_mode '{padding}' is not zeros, border or reflection");
        }
        return new GridSampleAttributes(mode, padding, attributes.GetInt("align_corners", 0) != 0);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var grid = Required(inputs, 1, "grid");
        if (x.ElementType != DataType.Float32 || grid.ElementType != DataType.Float32)
        {
            throw new OperatorException($"X is {x.ElementType} and grid {grid.ElementType}; GridSample is supported on float32");
        }
        if (x.Shape is null || grid.Shape is null)
        {
            return [new TensorType(x.ElementType, null)];
        }
        if (x.Shape.Length != 4 || grid.Shape is not [var n, _, _, 2] || n != x.Shape[0])
        {
            throw new OperatorException($"X {Shapes.Format(x.Shape)} and grid {Shapes.Format(grid.Shape)}: GridSample is supported on 2-D inputs, X [N, C, H, W] and grid [N, Ho, Wo, 2]");
        }
        return [new TensorType(x.ElementType, [x.Shape[0], x.Shape[1], grid.Shape[1], grid.Shape[2]])];
    }

    /// <summary>The denormalised coordinate of <paramref name="g"/> on an axis of <paramref name="size"/> pixels.</summary>
    public static double Denormalize(double g, int size, bool alignCorners) =>
        alignCorners ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2;

    /// <summary>The axis' valid range: [-0.5, size - 0.5], or [0, size - 1] with align_corners.</summary>
    public static (double Low, double High) Border(int size, bool alignCorners) => alignCorners ? (0, size - 1) : (-0.5, size - 0.5);

    /// <summary>x reflected by the near border until it lies in [low, high] (the ONNX reference's _gs_reflect).</summary>
    public static double Reflect(double x, double low, double high)
    {
        if (x >= low && x <= high)
        {
            return x;
        }
        var range = high - low;
        if (range <= 0)
        {
            return low;
        }
        var below = x < low;
        var dx = below ? low - x : x - high;
        var flips = Math.Truncate(dx / range);
        var r = dx - flips * range;
        var even = flips % 2 == 0;
        return below == even ? low + r : high - r;
    }

    /// <summary>
    /// The input indices and weights along one axis for normalised coordinate <paramref name="g"/>: one tap for
    /// nearest, two for linear, four for cubic; a tap outside the axis under zeros padding has weight 0 (index 0).
    /// </summary>
    public static (int[] Index, double[] Weight) Taps(GridSampleAttributes a, double g, int size)
    {
        var x = Denormalize(g, size, a.AlignCorners);
        if (a.Mode == GridSampleMode.Nearest)
        {
            x = Math.Round(x, MidpointRounding.ToEven);
        }
        var (low, high) = Border(size, a.AlignCorners);
        if (x < low || x > high)
        {
            x = a.PaddingMode switch { "border" => Math.Clamp(x, 0, size - 1), "reflection" => Reflect(x, low, high), _ => x };
        }
        double[] weights;
        int first;
        if (a.Mode == GridSampleMode.Nearest)
        {
            (first, weights) = ((int)Math.Clamp(Math.Truncate(x), int.MinValue / 2, int.MaxValue / 2), [1]);
        }
        else
        {
            var floor = Math.Floor(x);
            var t = x - floor;
            first = (int)Math.Clamp(floor, int.MinValue / 2, int.MaxValue / 2) - (a.Mode == GridSampleMode.Cubic ? 1 : 0);
            weights = a.Mode == GridSampleMode.Linear ? [1 - t, t] : CubicWeights(t);
        }
        var index = new int[weights.Length];
        for (var k = 0; k < weights.Length; k++)
        {
            var i = first + k;
            switch (a.PaddingMode)
            {
                case "zeros":
                    var inside = i >= 0 && i < size;
                    (index[k], weights[k]) = (inside ? i : 0, inside ? weights[k] : 0);
                    break;
                case "border":
                    index[k] = Math.Clamp(i, 0, size - 1);
                    break;
                default:
                    index[k] = Math.Clamp((int)Reflect(i, low, high), 0, size - 1);
                    break;
            }
        }
        return (index, weights);
    }

    /// <summary>The Keys cubic weights of the taps at -1, 0, 1, 2 for a fractional position t in [0, 1).</summary>
    public static double[] CubicWeights(double t)
    {
        const double A = CubicA;
        double Outer(double d) => ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
        double Inner(double d) => ((A + 2) * d - (A + 3)) * d * d + 1;
        return [Outer(t + 1), Inner(t), Inner(1 - t), Outer(2 - t)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<GridSampleAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var grid = Required(inputs, 1, "grid");
        var (batch, channels, height, width) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var (outHeight, outWidth) = (grid.Shape[1], grid.Shape[2]);
        var y = Tensor.Zeros(x.DataType, [batch, channels, outHeight, outWidth]);
        for (var n = 0; n < batch; n++)
        {
            for (var p = 0; p < outHeight * outWidth; p++)
            {
                var at = (n * outHeight * outWidth + p) * 2;
                var (columns, columnWeights) = Taps(a, grid.GetDouble(at), width);
                var (rows, rowWeights) = Taps(a, grid.GetDouble(at + 1), height);
                for (var c = 0; c < channels; c++)
                {
                    var plane = (n * channels + c) * height * width;
                    var sum = 0.0;
                    for (var j = 0; j < rows.Length; j++)
                    {
                        for (var k = 0; k < columns.Length; k++)
                        {
                            sum += rowWeights[j] * columnWeights[k] * x.GetDouble(plane + rows[j] * width + columns[k]);
                        }
                    }
                    y.SetDouble((n * channels + c) * outHeight * outWidth + p, sum);
                }
            }
        }
        return [y];
    }
}
