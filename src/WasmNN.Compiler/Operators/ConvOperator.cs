using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Conv.</summary>
/// <param name="AutoPad">NOTSET, SAME_UPPER, SAME_LOWER or VALID.</param>
/// <param name="Dilations">Per spatial dimension (default 1).</param>
/// <param name="Group">Number of channel groups (default 1).</param>
/// <param name="KernelShape">Kernel size; inferred from W when absent.</param>
/// <param name="Pads">Begin pads then end pads (default 0).</param>
/// <param name="Strides">Per spatial dimension (default 1).</param>
public sealed record ConvAttributes(string AutoPad, long[]? Dilations, int Group, long[]? KernelShape, long[]? Pads, long[]? Strides) : OperatorAttributes;

/// <summary>ONNX Conv (1-D and 2-D): grouped, strided, dilated, padded cross-correlation plus optional bias.</summary>
/// <remarks>Y[n, m, y, x] = B[m] + sum_{c in group(m), i, j} X[n, c, y*sy - pt + i*dy, x*sx - pl + j*dx] * W[m, c', i, j]</remarks>
public sealed class ConvOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Conv";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.OutElementwiseFusable;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new ConvAttributes(
        attributes.GetString("auto_pad", "NOTSET"),
        attributes.GetInts("dilations"),
        (int)attributes.GetInt("group", 1),
        attributes.GetInts("kernel_shape"),
        attributes.GetInts("pads"),
        attributes.GetInts("strides"));

    /// <summary>The window geometry for an input of shape <paramref name="x"/> and weights <paramref name="w"/>.</summary>
    public static WindowGeometry Geometry(ConvAttributes a, int[] x, int[] w)
    {
        var kernel = a.KernelShape is { } k ? ReferenceMath.ToShape(k) : w[2..];
        return WindowGeometry.Compute(x[2..], kernel, a.Strides, a.Dilations, a.Pads, a.AutoPad, ceilMode: false);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<ConvAttributes>(attributes);
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
        if (x.Shape[1] >= 0 && w.Shape[1] * a.Group != x.Shape[1])
        {
            throw new OperatorException($"input has {x.Shape[1]} channels but W {Shapes.Format(w.Shape)} with group {a.Group} expects {w.Shape[1] * a.Group}");
        }
        var geometry = Geometry(a, x.Shape, w.Shape);
        return [new TensorType(x.ElementType, [x.Shape[0], w.Shape[0], .. geometry.Output])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ConvAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var w = Required(inputs, 1, "W");
        var b = Optional(inputs, 2);
        var spatial = x.Rank - 2;
        if (spatial is not (1 or 2))
        {
            throw new UnsupportedOperatorException($"Conv with {spatial} spatial dimensions is not implemented (1-D and 2-D are)");
        }
        var geometry = Geometry(a, x.Shape, w.Shape);
        // 1-D convolution is 2-D convolution over a height of 1.
        int[] As2D(int[] values, int height) => spatial == 1 ? [height, values[0]] : values;
        var kernel = As2D(geometry.Kernel, 1);
        var stride = As2D(geometry.Strides, 1);
        var dilation = As2D(geometry.Dilations, 1);
        var padBegin = As2D(geometry.PadBegin, 0);
        var output = As2D(geometry.Output, 1);
        int batch = x.Shape[0], channels = x.Shape[1], outChannels = w.Shape[0];
        int inH = spatial == 1 ? 1 : x.Shape[2], inW = x.Shape[^1];
        int kH = kernel[0], kW = kernel[1], sH = stride[0], sW = stride[1], dH = dilation[0], dW = dilation[1];
        int pT = padBegin[0], pL = padBegin[1], outH = output[0], outW = output[1];
        var group = a.Group;
        int inPerGroup = channels / group, outPerGroup = outChannels / group;
        var xd = x.ToDoubleArray();
        var wd = w.ToDoubleArray();
        var bd = b?.ToDoubleArray();
        var y = new double[batch * outChannels * outH * outW];
        // Accumulate one weight at a time over a whole output row: the same sum, in a cache-friendly order.
        for (var n = 0; n < batch; n++)
        {
            for (var m = 0; m < outChannels; m++)
            {
                var g = m / outPerGroup;
                var yPlane = (n * outChannels + m) * outH * outW;
                if (bd is not null)
                {
                    Array.Fill(y, bd[m], yPlane, outH * outW);
                }
                for (var c = 0; c < inPerGroup; c++)
                {
                    var xPlane = (n * channels + g * inPerGroup + c) * inH * inW;
                    for (var i = 0; i < kH; i++)
                    {
                        for (var j = 0; j < kW; j++)
                        {
                            var weight = wd[((m * inPerGroup + c) * kH + i) * kW + j];
                            // Output columns whose input column ow*sW - pL + j*dW lies inside [0, inW).
                            var offset = j * dW - pL;
                            var owFirst = Math.Max(0, (-offset + sW - 1) / sW);
                            var owEnd = Math.Min(outW, (inW - offset + sW - 1) / sW);
                            for (var oh = 0; oh < outH; oh++)
                            {
                                var ih = oh * sH - pT + i * dH;
                                if (ih < 0 || ih >= inH)
                                {
                                    continue;
                                }
                                var xRow = xPlane + ih * inW + offset;
                                var yRow = yPlane + oh * outW;
                                for (var ow = owFirst; ow < owEnd; ow++)
                                {
                                    y[yRow + ow] += weight * xd[xRow + ow * sW];
                                }
                            }
                        }
                    }
                }
            }
        }
        int[] shape = [batch, outChannels, .. geometry.Output];
        return [Tensor.FromDoubles(x.DataType, shape, y)];
    }
}
