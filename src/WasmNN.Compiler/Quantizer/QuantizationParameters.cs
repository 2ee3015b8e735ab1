namespace WasmNN.Compiler.Quantizer;

/// <summary>
/// Scales and zero points as onnxruntime's static quantizer forms them (float32 arithmetic, round half to even):
/// activations uint8 asymmetric per tensor, weights int8 symmetric in [-127, 127].
/// </summary>
public static class QuantizationParameters
{
    /// <summary>
    /// uint8 parameters of an activation observed in [<paramref name="min"/>, <paramref name="max"/>]: the range
    /// widened to contain 0 (so zero is exact: padding and ReLU), scale = (max - min) / 255, zero point =
    /// round(-min / scale); scale 1 and zero point 0 for an empty range.
    /// </summary>
    public static (float Scale, byte ZeroPoint) ForActivation(float min, float max)
    {
        min = Math.Min(min, 0);
        max = Math.Max(max, 0);
        var scale = (max - min) / 255f;
        if (!(scale > 0) || !float.IsFinite(scale))
        {
            return (1f, 0);
        }
        var zero = Math.Clamp(MathF.Round(-min / scale, MidpointRounding.ToEven), 0, 255);
        return (scale, (byte)zero);
    }

    /// <summary>
    /// Symmetric int8 weights of <paramref name="shape"/>: one scale per index along <paramref name="axis"/> (per
    /// output channel), or one for the tensor when axis is null; scale = max|w| / qmax (1 for all zeros), q =
    /// round(w / scale) in [-qmax, qmax], qmax 127 (or 63 for 7-bit weights).
    /// </summary>
    public static (sbyte[] Quantized, float[] Scales) SymmetricWeights(ReadOnlySpan<float> weights, int[] shape, int? axis, int qmax = 127)
    {
        var slices = axis is { } a ? shape[a] : 1;
        var inner = axis is { } b ? shape.Skip(b + 1).Aggregate(1, (x, y) => x * y) : weights.Length;
        var absMax = new float[slices];
        for (var i = 0; i < weights.Length; i++)
        {
            var s = i / inner % slices;
            absMax[s] = Math.Max(absMax[s], Math.Abs(weights[i]));
        }
        var scales = absMax.Select(m => m > 0 ? m / qmax : 1f).ToArray();
        var quantized = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            quantized[i] = (sbyte)Math.Clamp(MathF.Round(weights[i] / scales[i / inner % slices], MidpointRounding.ToEven), -qmax, qmax);
        }
        return (quantized, scales);
    }

    /// <summary>An int32 bias at scale x_scale * w_scale[m] (formed in float32, as the integer kernels form it).</summary>
    public static (int[] Quantized, float[] Scales) Bias(ReadOnlySpan<float> bias, float inputScale, ReadOnlySpan<float> weightScales)
    {
        var quantized = new int[bias.Length];
        var scales = new float[weightScales.Length];
        for (var m = 0; m < bias.Length; m++)
        {
            var scale = scales[weightScales.Length == 1 ? 0 : m] = inputScale * weightScales[weightScales.Length == 1 ? 0 : m];
            quantized[m] = (int)Math.Clamp(Math.Round((double)bias[m] / scale, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }
        return (quantized, scales);
    }
}
