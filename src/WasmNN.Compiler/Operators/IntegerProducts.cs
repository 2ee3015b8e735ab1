using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// A 1-D or 2-D convolution's sizes with 1-D seen as 2-D over a height of 1 (shared by the integer convolutions'
/// reference and kernels).
/// </summary>
public sealed record ConvolutionShape(int Batch, int Channels, int InH, int InW, int OutChannels, int Group,
    int Kh, int Kw, int Sh, int Sw, int Dh, int Dw, int Pt, int Pl, int OutH, int OutW)
{
    /// <summary>Input channels per group.</summary>
    public int ChannelsPerGroup => Channels / Group;

    /// <summary>Output channels per group.</summary>
    public int OutPerGroup => OutChannels / Group;

    /// <summary>The output shape in the input's rank.</summary>
    public int[] OutputShape(int rank) => rank == 3 ? [Batch, OutChannels, OutW] : [Batch, OutChannels, OutH, OutW];

    /// <summary>The shape of a convolution of <paramref name="x"/> by <paramref name="w"/>.</summary>
    /// <exception cref="OperatorException">The shapes do not fit, or the convolution is not 1-D or 2-D.</exception>
    public static ConvolutionShape Of(ConvAttributes a, int[] x, int[] w)
    {
        if (x.Length is not (3 or 4) || w.Length != x.Length)
        {
            throw new UnsupportedOperatorException($"X {Shapes.Format(x)} and W {Shapes.Format(w)} must both be N x C x spatial, 1-D or 2-D");
        }
        if (a.Group <= 0 || w[1] * a.Group != x[1] || w[0] % a.Group != 0)
        {
            throw new OperatorException($"input has {x[1]} channels but W {Shapes.Format(w)} with group {a.Group} expects {w[1] * a.Group}");
        }
        var g = ConvOperator.Geometry(a, x, w);
        int[] As2D(int[] values, int height) => x.Length == 3 ? [height, values[0]] : values;
        int[] k = As2D(g.Kernel, 1), s = As2D(g.Strides, 1), d = As2D(g.Dilations, 1), p = As2D(g.PadBegin, 0), o = As2D(g.Output, 1);
        return new ConvolutionShape(x[0], x[1], x.Length == 3 ? 1 : x[2], x[^1], w[0], a.Group, k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], o[0], o[1]);
    }
}

/// <summary>
/// Reference integer products of the quantized operators: int32 sums of (a - a_zero_point) * (b - b_zero_point),
/// wrapping as int32 arithmetic does.
/// </summary>
public static class IntegerProducts
{
    /// <summary>
    /// numpy matmul of 8-bit tensors with zero points per tensor (one element), per row of A (M elements) and per
    /// column of B (N elements).
    /// </summary>
    /// <exception cref="OperatorException">A zero point has another size.</exception>
    public static Tensor MatMul(Tensor a, int[] aZeroPoints, Tensor b, int[] bZeroPoints)
    {
        int[] a2 = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] b2 = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        RequireCount(aZeroPoints, m, "A zero point (per row)");
        RequireCount(bZeroPoints, n, "B zero point (per column)");
        var shape = MatMulOperator.OutputShape(a.Shape, b.Shape);
        var offsets = MatMulOperator.BatchOffsets(a2, b2);
        var y = new int[offsets.Length * m * n];
        for (var t = 0; t < offsets.Length; t++)
        {
            var (aOff, bOff) = offsets[t];
            for (var i = 0; i < m; i++)
            {
                var za = aZeroPoints[aZeroPoints.Length == 1 ? 0 : i];
                for (var j = 0; j < n; j++)
                {
                    var zb = bZeroPoints[bZeroPoints.Length == 1 ? 0 : j];
                    var sum = 0;
                    for (var p = 0; p < k; p++)
                    {
                        sum = unchecked(sum + ((int)a.GetInt64(aOff + i * k + p) - za) * ((int)b.GetInt64(bOff + p * n + j) - zb));
                    }
                    y[(t * m + i) * n + j] = sum;
                }
            }
        }
        return new Tensor(DataType.Int32, shape, y);
    }

    /// <summary>Grouped, strided, dilated, padded convolution of 8-bit tensors; padding contributes nothing (it holds the zero point).</summary>
    /// <exception cref="OperatorException">The weight zero point is neither per tensor nor per output channel.</exception>
    public static Tensor Convolution(ConvAttributes attributes, Tensor x, int xZeroPoint, Tensor w, int[] wZeroPoints, int[]? bias)
    {
        var s = ConvolutionShape.Of(attributes, x.Shape, w.Shape);
        RequireCount(wZeroPoints, s.OutChannels, "W zero point (per output channel)");
        if (bias is not null)
        {
            RequireCount(bias, s.OutChannels, "B");
        }
        var y = new int[s.Batch * s.OutChannels * s.OutH * s.OutW];
        for (var n = 0; n < s.Batch; n++)
        {
            for (var m = 0; m < s.OutChannels; m++)
            {
                var g = m / s.OutPerGroup;
                var zw = wZeroPoints[wZeroPoints.Length == 1 ? 0 : m];
                for (var oh = 0; oh < s.OutH; oh++)
                {
                    for (var ow = 0; ow < s.OutW; ow++)
                    {
                        var sum = bias?[m] ?? 0;
                        for (var c = 0; c < s.ChannelsPerGroup; c++)
                        {
                            for (var i = 0; i < s.Kh; i++)
                            {
                                var ih = oh * s.Sh - s.Pt + i * s.Dh;
                                for (var j = 0; j < s.Kw; j++)
                                {
                                    var iw = ow * s.Sw - s.Pl + j * s.Dw;
                                    if (ih < 0 || ih >= s.InH || iw < 0 || iw >= s.InW)
                                    {
                                        continue;
                                    }
                                    var xv = (int)x.GetInt64(((n * s.Channels + g * s.ChannelsPerGroup + c) * s.InH + ih) * s.InW + iw);
                                    var wv = (int)w.GetInt64(((m * s.ChannelsPerGroup + c) * s.Kh + i) * s.Kw + j);
                                    sum = unchecked(sum + (xv - xZeroPoint) * (wv - zw));
                                }
                            }
                        }
                        y[((n * s.OutChannels + m) * s.OutH + oh) * s.OutW + ow] = sum;
                    }
                }
            }
        }
        return new Tensor(DataType.Int32, s.OutputShape(x.Rank), y);
    }

    /// <summary>Requantizes int32 sums to <paramref name="type"/> with a multiplier per tensor or per channel (channel = index / <paramref name="channelSize"/> % count).</summary>
    public static Tensor Requantize(Tensor sums, float[] multipliers, int zeroPoint, DataType type, int channelSize)
    {
        var acc = (int[])sums.Data;
        var y = Tensor.Zeros(type, sums.Shape);
        for (var i = 0; i < acc.Length; i++)
        {
            var c = multipliers.Length == 1 ? 0 : i / channelSize % multipliers.Length;
            y.SetInt64(i, Quantization.Requantize(acc[i], multipliers[c], zeroPoint, type));
        }
        return y;
    }

    private static void RequireCount(int[] values, int count, string what)
    {
        if (values.Length != 1 && values.Length != count)
        {
            throw new UnsupportedOperatorException($"{what} has {values.Length} elements; 1 or {count} are supported");
        }
    }
}
