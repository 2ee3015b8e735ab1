using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ConvTranspose.</summary>
/// <param name="AutoPad">NOTSET, SAME_UPPER, SAME_LOWER or VALID.</param>
/// <param name="Dilations">Per spatial dimension (default 1).</param>
/// <param name="Group">Number of channel groups (default 1).</param>
/// <param name="KernelShape">Kernel size; inferred from W when absent.</param>
/// <param name="OutputPadding">Extra size added at the end of each spatial dimension (default 0).</param>
/// <param name="OutputShape">Requested output size (spatial, or with N and C); the pads are then derived.</param>
/// <param name="Pads">Begin pads then end pads (default 0).</param>
/// <param name="Strides">Per spatial dimension (default 1).</param>
public sealed record ConvTransposeAttributes(string AutoPad, long[]? Dilations, int Group, long[]? KernelShape, long[]? OutputPadding,
    long[]? OutputShape, long[]? Pads, long[]? Strides) : OperatorAttributes;

/// <summary>
/// The resolved geometry of a transposed convolution: input position i of a spatial dimension, tap k, feeds
/// output position i * stride - padBegin + k * dilation when that lies in [0, output).
/// </summary>
/// <param name="Kernel">Kernel size per spatial dimension.</param>
/// <param name="Strides">Stride per spatial dimension.</param>
/// <param name="Dilations">Dilation per spatial dimension.</param>
/// <param name="PadBegin">Output positions cropped at the start of each spatial dimension.</param>
/// <param name="Output">Output size per spatial dimension (-1 when the input size is unknown).</param>
public sealed record TransposedWindow(int[] Kernel, int[] Strides, int[] Dilations, int[] PadBegin, int[] Output);

/// <summary>ONNX ConvTranspose (1-D to 3-D): the gradient of Conv with respect to its input, plus optional bias.</summary>
/// <remarks>Y[n, g*Mg + m, i*s - pb + k*d] += X[n, g*Cg + c, i] * W[g*Cg + c, m, k] over c, i, k; then + B[g*Mg + m].</remarks>
public sealed class ConvTransposeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "ConvTranspose";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.OutElementwiseFusable;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new ConvTransposeAttributes(
        attributes.GetString("auto_pad", "NOTSET"),
        attributes.GetInts("dilations"),
        (int)attributes.GetInt("group", 1),
        attributes.GetInts("kernel_shape"),
        attributes.GetInts("output_padding"),
        attributes.GetInts("output_shape"),
        attributes.GetInts("pads"),
        attributes.GetInts("strides"));

    /// <summary>The geometry for an input of shape <paramref name="x"/> and weights <paramref name="w"/>.</summary>
    /// <remarks>
    /// Per the ONNX spec: total padding = s*(in - 1) + output_padding + (k - 1)*d + 1 - out. With output_shape (or
    /// SAME_*, where out = in * s) the total is split with the odd element at the end (SAME_UPPER) or the start
    /// (otherwise); with explicit pads out follows from them; VALID has none.
    /// </remarks>
    public static TransposedWindow Geometry(ConvTransposeAttributes a, int[] x, int[] w)
    {
        var n = x.Length - 2;
        var kernel = a.KernelShape is { } k ? ReferenceMath.ToShape(k) : w[2..];
        if (kernel.Length != n)
        {
            throw new OperatorException($"kernel has {kernel.Length} spatial dimensions but the input has {n}");
        }
        var strides = PerDimension(a.Strides, n, 1, "strides");
        var dilations = PerDimension(a.Dilations, n, 1, "dilations");
        var outputPadding = PerDimension(a.OutputPadding, n, 0, "output_padding");
        var requested = a.OutputShape is { } shape ? ReferenceMath.ToShape(shape.Length == n + 2 ? shape[2..] : shape) : null;
        if (requested is not null && requested.Length != n)
        {
            throw new OperatorException($"output_shape has {a.OutputShape!.Length} entries for {n} spatial dimensions");
        }
        var padBegin = new int[n];
        var output = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (x[i + 2] < 0)
            {
                output[i] = -1;
                continue;
            }
            var full = (strides[i] * (x[i + 2] - 1)) + outputPadding[i] + ((kernel[i] - 1) * dilations[i]) + 1;
            var target = requested?[i] ?? (a.AutoPad is "SAME_UPPER" or "SAME_LOWER" ? x[i + 2] * strides[i] : -1);
            if (target >= 0)
            {
                // Floor division, as the spec's reference: an output larger than the full one pads at the end.
                var total = full - target;
                var half = (int)Math.Floor(total / 2.0);
                padBegin[i] = a.AutoPad == "SAME_UPPER" ? half : total - half;
                output[i] = target;
            }
            else if (a.AutoPad is "NOTSET" or "" && a.Pads is { } pads)
            {
                if (pads.Length != 2 * n)
                {
                    throw new OperatorException($"pads has {pads.Length} entries, expected {2 * n}");
                }
                padBegin[i] = (int)pads[i];
                output[i] = full - (int)pads[i] - (int)pads[i + n];
            }
            else if (a.AutoPad is "NOTSET" or "" or "VALID")
            {
                output[i] = full;
            }
            else
            {
                throw new OperatorException($"unknown auto_pad '{a.AutoPad}'");
            }
            if (output[i] <= 0)
            {
                throw new OperatorException($"output size {output[i]} in spatial dimension {i} is not positive");
            }
        }
        return new TransposedWindow(kernel, strides, dilations, padBegin, output);
    }

    private static int[] PerDimension(long[]? values, int n, int fill, string name)
    {
        if (values is null || values.Length == 0)
        {
            return [.. Enumerable.Repeat(fill, n)];
        }
        if (values.Length != n || Array.Exists(values, v => v < fill))
        {
            throw new OperatorException($"{name} must have {n} entries of at least {fill}, got [{string.Join(", ", values)}]");
        }
        return [.. values.Select(v => (int)v)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<ConvTransposeAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var w = Required(inputs, 1, "W");
        if (x.Shape is null || w.Shape is null)
        {
            return [new TensorType(x.ElementType, null)];
        }
        if (x.Shape.Length < 3 || w.Shape.Length != x.Shape.Length)
        {
            throw new OperatorException($"X {Shapes.Format(x.Shape)} and W {Shapes.Format(w.Shape)} must both be N x C x spatial");
        }
        if (a.Group < 1 || (x.Shape[1] >= 0 && (w.Shape[0] != x.Shape[1] || x.Shape[1] % a.Group != 0)))
        {
            throw new OperatorException($"input has {x.Shape[1]} channels but W {Shapes.Format(w.Shape)} with group {a.Group} expects {w.Shape[0]}, a multiple of the group");
        }
        var geometry = Geometry(a, x.Shape, w.Shape);
        return [new TensorType(x.ElementType, [x.Shape[0], w.Shape[1] * a.Group, .. geometry.Output])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ConvTransposeAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var w = Required(inputs, 1, "W");
        var b = Optional(inputs, 2);
        var g = Geometry(a, x.Shape, w.Shape);
        int batch = x.Shape[0], channels = x.Shape[1], inPerGroup = channels / a.Group, outPerGroup = w.Shape[1];
        var outChannels = outPerGroup * a.Group;
        var inSpatial = x.Shape[2..];
        var inSize = Shapes.ElementCount(inSpatial);
        var outSize = Shapes.ElementCount(g.Output);
        var taps = Shapes.ElementCount(g.Kernel);
        var xd = x.ToDoubleArray();
        var wd = w.ToDoubleArray();
        var bd = b?.ToDoubleArray();
        var y = new double[batch * outChannels * outSize];
        // For every (input position, tap) pair, the output position it feeds or -1 when cropped.
        var target = new int[inSize * taps];
        var inCoords = new int[inSpatial.Length];
        var tapCoords = new int[inSpatial.Length];
        for (var i = 0; i < inSize; i++)
        {
            ReferenceMath.Unravel(i, inSpatial, inCoords);
            for (var t = 0; t < taps; t++)
            {
                ReferenceMath.Unravel(t, g.Kernel, tapCoords);
                var o = 0;
                for (var d = 0; d < inCoords.Length && o >= 0; d++)
                {
                    var position = (inCoords[d] * g.Strides[d]) - g.PadBegin[d] + (tapCoords[d] * g.Dilations[d]);
                    o = position >= 0 && position < g.Output[d] ? (o * g.Output[d]) + position : -1;
                }
                target[(i * taps) + t] = o;
            }
        }
        for (var n = 0; n < batch; n++)
        {
            for (var m = 0; m < outChannels; m++)
            {
                var group = m / outPerGroup;
                var yPlane = ((n * outChannels) + m) * outSize;
                if (bd is not null)
                {
                    Array.Fill(y, bd[m], yPlane, outSize);
                }
                for (var c = 0; c < inPerGroup; c++)
                {
                    var channel = (group * inPerGroup) + c;
                    var xPlane = ((n * channels) + channel) * inSize;
                    var wTaps = ((channel * outPerGroup) + (m % outPerGroup)) * taps;
                    for (var i = 0; i < inSize; i++)
                    {
                        var value = xd[xPlane + i];
                        for (var t = 0; t < taps; t++)
                        {
                            if (target[(i * taps) + t] is var o and >= 0)
                            {
                                y[yPlane + o] += value * wd[wTaps + t];
                            }
                        }
                    }
                }
            }
        }
        return [Tensor.FromDoubles(x.DataType, [batch, outChannels, .. g.Output], y)];
    }
}
