namespace WasmNN.Compiler.Operators;

/// <summary>
/// The resampling of one axis: output index i reads <see cref="Taps"/> clamped input indices
/// <c>Index[i * Taps + k]</c> with weights <c>Weight[i * Taps + k]</c>; where <c>Outside[i]</c> (tf_crop_and_resize
/// beyond the input) it is the extrapolation value instead. Resize is separable, so an n-d resize is one such pass
/// per axis.
/// </summary>
public sealed record ResizeAxis(int InputSize, int OutputSize, int Taps, int[] Index, double[] Weight, bool[] Outside)
{
    /// <summary>True when the pass copies the input unchanged (same size, every output reads its own index).</summary>
    public bool IsIdentity => InputSize == OutputSize && !Outside.Any(o => o) && Enumerable.Range(0, OutputSize).All(i =>
        Enumerable.Range(0, Taps).All(k => Weight[i * Taps + k] == 0 || (Weight[i * Taps + k] == 1 && Index[i * Taps + k] == i)));

    /// <summary>True when every output reads one input with weight 1 (nearest): the pass is a gather.</summary>
    public bool IsGather => !Outside.Any(o => o) && Enumerable.Range(0, OutputSize).All(i =>
        Enumerable.Range(0, Taps).Count(k => Weight[i * Taps + k] != 0) == 1
        && Enumerable.Range(0, Taps).All(k => Weight[i * Taps + k] is 0 or 1));

    /// <summary>The input index output <paramref name="i"/> reads (for a gather).</summary>
    public int GatherIndex(int i) => Index[i * Taps + Enumerable.Range(0, Taps).First(k => Weight[i * Taps + k] != 0)];
}

/// <summary>
/// Per-axis source indices and weights of Resize/Upsample, following the ONNX reference (interpolate_1d_with_x):
/// the output coordinate maps to an input coordinate x by the coordinate transformation mode; the taps are the
/// nearest 2 (nearest, linear) or 4 (cubic) input positions around x, clamped to the edge, weighted by the mode's
/// coefficients at the fraction of x past the left tap.
/// </summary>
public static class ResizeGeometry
{
    /// <summary>
    /// Builds the pass for one axis of <paramref name="inputSize"/> resized to <paramref name="outputSize"/> with
    /// <paramref name="scale"/>; <paramref name="roiStart"/>/<paramref name="roiEnd"/> are the normalised
    /// tf_crop_and_resize region (0 and 1 otherwise).
    /// </summary>
    public static ResizeAxis Axis(ResizeAttributes a, int inputSize, int outputSize, double scale, double roiStart, double roiEnd)
    {
        var taps = a.Mode switch { "cubic" => 4, _ => 2 };
        var index = new int[outputSize * taps];
        var weight = new double[outputSize * taps];
        var outside = new bool[outputSize];
        var outputLength = scale * inputSize;
        for (var i = 0; i < outputSize; i++)
        {
            var x = InputCoordinate(a.CoordinateTransformationMode, i, inputSize, outputSize, outputLength, scale, roiStart, roiEnd);
            if (a.CoordinateTransformationMode == "tf_crop_and_resize" && (x < 0 || x > inputSize - 1))
            {
                outside[i] = true;
                continue;
            }
            // The left tap is floor(x), or x - 1 when x is whole, so the fraction lies in (0, 1] as in the reference.
            var left = Math.Floor(x) == x ? x - 1 : Math.Floor(x);
            var ratio = x - left;
            double[] coefficients = a.Mode switch
            {
                "nearest" => NearestCoefficients(a.NearestMode == "simple" ? (scale < 1 ? "ceil" : "floor") : a.NearestMode, ratio),
                "linear" => [1 - ratio, ratio],
                _ => CubicCoefficients(ratio, a.CubicCoeffA),
            };
            var first = (long)left - (taps == 4 ? 1 : 0);
            var sum = 0.0;
            for (var k = 0; k < taps; k++)
            {
                var source = first + k;
                if (a.ExcludeOutside && (source < 0 || source >= inputSize))
                {
                    coefficients[k] = 0;
                }
                sum += coefficients[k];
                index[i * taps + k] = (int)Math.Clamp(source, 0, inputSize - 1);
            }
            for (var k = 0; k < taps; k++)
            {
                weight[i * taps + k] = a.ExcludeOutside ? coefficients[k] / sum : coefficients[k];
            }
        }
        return new ResizeAxis(inputSize, outputSize, taps, index, weight, outside);
    }

    private static double InputCoordinate(string mode, int i, int inputSize, int outputSize, double outputLength, double scale,
        double roiStart, double roiEnd) => mode switch
    {
        "align_corners" => outputLength == 1 ? 0 : i * (inputSize - 1) / (outputLength - 1),
        "asymmetric" => i / scale,
        "tf_crop_and_resize" => (outputLength == 1
            ? (roiEnd - roiStart) * (inputSize - 1) / 2
            : i * (roiEnd - roiStart) * (inputSize - 1) / (outputLength - 1)) + roiStart * (inputSize - 1),
        "pytorch_half_pixel" => outputLength == 1 ? -0.5 : (i + 0.5) / scale - 0.5,
        "tf_half_pixel_for_nn" => (i + 0.5) / scale,
        "half_pixel_symmetric" => inputSize / 2.0 * (1 - outputSize / outputLength) + (i + 0.5) / scale - 0.5,
        _ => (i + 0.5) / scale - 0.5,
    };

    private static double[] NearestCoefficients(string mode, double ratio)
    {
        if (ratio == 1)
        {
            return [0, 1];
        }
        var right = mode switch
        {
            "round_prefer_floor" => ratio > 0.5,
            "round_prefer_ceil" => ratio >= 0.5,
            "floor" => false,
            _ => true,
        };
        return right ? [0, 1] : [1, 0];
    }

    private static double[] CubicCoefficients(double r, double a) =>
    [
        ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
        ((a + 2) * r - (a + 3)) * r * r + 1,
        ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
        ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a,
    ];

    /// <summary>Applies the passes (one per axis, last axis first as the reference's recursion does) to <paramref name="x"/>.</summary>
    public static double[] Apply(double[] x, int[] shape, ResizeAxis[] axes, double extrapolation)
    {
        var current = x;
        var currentShape = (int[])shape.Clone();
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            var axis = axes[d];
            if (axis.IsIdentity)
            {
                continue;
            }
            var outer = 1;
            for (var j = 0; j < d; j++)
            {
                outer *= currentShape[j];
            }
            var inner = 1;
            for (var j = d + 1; j < shape.Length; j++)
            {
                inner *= currentShape[j];
            }
            var next = new double[outer * axis.OutputSize * inner];
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < axis.OutputSize; i++)
                {
                    for (var e = 0; e < inner; e++)
                    {
                        var sum = 0.0;
                        if (axis.Outside[i])
                        {
                            sum = extrapolation;
                        }
                        else
                        {
                            for (var k = 0; k < axis.Taps; k++)
                            {
                                sum += axis.Weight[i * axis.Taps + k] * current[(o * axis.InputSize + axis.Index[i * axis.Taps + k]) * inner + e];
                            }
                        }
                        next[(o * axis.OutputSize + i) * inner + e] = sum;
                    }
                }
            }
            current = next;
            currentShape[d] = axis.OutputSize;
        }
        return current;
    }
}
