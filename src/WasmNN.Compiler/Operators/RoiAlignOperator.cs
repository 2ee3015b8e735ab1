using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of RoiAlign.</summary>
/// <param name="HalfPixel">half_pixel (opset 16's default: coordinates shifted by -0.5) or output_half_pixel (opset 10's behaviour: unshifted, regions at least 1x1).</param>
/// <param name="Max">max pooling of the samples (else avg).</param>
/// <param name="OutputHeight">Pooled height.</param>
/// <param name="OutputWidth">Pooled width.</param>
/// <param name="SamplingRatio">Samples per bin along each axis, or 0 for ceil(region size / pooled size).</param>
/// <param name="SpatialScale">Scale from the rois' coordinates to the input's.</param>
public sealed record RoiAlignAttributes(bool HalfPixel, bool Max, int OutputHeight, int OutputWidth, int SamplingRatio, float SpatialScale) : OperatorAttributes;

/// <summary>
/// ONNX RoiAlign (opsets 10 and 16) on float32: for each region of interest [x1, y1, x2, y2] of the image named by
/// batch_indices, an [output_height, output_width] grid of bins, each the average (or max) of bilinear samples.
/// </summary>
/// <remarks>
/// As onnxruntime's kernel, which the ONNX node tests follow: a sample farther than one pixel outside the image
/// contributes 0; one within is clamped to the border pixels; max mode takes, per sample, the largest of the four
/// weighted corners, and the largest over the samples.
/// </remarks>
public sealed class RoiAlignOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "RoiAlign";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var transformation = attributes.GetString("coordinate_transformation_mode", opset >= 16 ? "half_pixel" : "output_half_pixel");
        var mode = attributes.GetString("mode", "avg");
        if (transformation is not ("half_pixel" or "output_half_pixel") || mode is not ("avg" or "max"))
        {
            throw new OperatorException($"coordinate_transformation_mode '{transformation}' and mode '{mode}': expected half_pixel or output_half_pixel, avg or max");
        }
        var (height, width, ratio) = (attributes.GetInt("output_height", 1), attributes.GetInt("output_width", 1), attributes.GetInt("sampling_ratio", 0));
        if (height is < 1 or > 4096 || width is < 1 or > 4096 || ratio is < 0 or > 64)
        {
            throw new OperatorException($"output_height {height}, output_width {width}, sampling_ratio {ratio}: sizes in [1, 4096] and a ratio in [0, 64] are supported");
        }
        return new RoiAlignAttributes(transformation == "half_pixel", mode == "max", (int)height, (int)width, (int)ratio, attributes.GetFloat("spatial_scale", 1f));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<RoiAlignAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var rois = Required(inputs, 1, "rois");
        var indices = Required(inputs, 2, "batch_indices");
        if (x.ElementType != DataType.Float32 || rois.ElementType != DataType.Float32 || indices.ElementType != DataType.Int64)
        {
            throw new OperatorException($"X is {x.ElementType}, rois {rois.ElementType}, batch_indices {indices.ElementType}; RoiAlign is supported on float32 with int64 indices");
        }
        if (x.Shape is null || rois.Shape is null)
        {
            return [new TensorType(x.ElementType, null)];
        }
        if (x.Shape.Length != 4 || rois.Shape is not [_, 4])
        {
            throw new OperatorException($"X {Shapes.Format(x.Shape)} and rois {Shapes.Format(rois.Shape)}: RoiAlign needs X [N, C, H, W] and rois [R, 4]");
        }
        return [new TensorType(x.ElementType, [rois.Shape[0], x.Shape[1], a.OutputHeight, a.OutputWidth])];
    }

    /// <summary>One region's geometry: start (y, x), bin size (h, w) and samples per bin (h, w), from its four coordinates.</summary>
    public static (double StartY, double StartX, double BinHeight, double BinWidth, int GridHeight, int GridWidth) Region(RoiAlignAttributes a, double x1, double y1, double x2, double y2)
    {
        var offset = a.HalfPixel ? 0.5 : 0;
        double startX = x1 * a.SpatialScale - offset, startY = y1 * a.SpatialScale - offset;
        double width = x2 * a.SpatialScale - offset - startX, height = y2 * a.SpatialScale - offset - startY;
        if (!a.HalfPixel)
        {
            (width, height) = (Math.Max(width, 1), Math.Max(height, 1));
        }
        double binHeight = height / a.OutputHeight, binWidth = width / a.OutputWidth;
        int Grid(double bin) => a.SamplingRatio > 0 ? a.SamplingRatio : (int)Math.Clamp(Math.Ceiling(bin), 0, 64);
        return (startY, startX, binHeight, binWidth, Grid(binHeight), Grid(binWidth));
    }

    /// <summary>The bilinear sample at (y, x) of a plane as four (offset, weight) corners; all weights 0 beyond one pixel outside.</summary>
    public static (int Offset, double Weight)[] Sample(double y, double x, int height, int width)
    {
        if (y < -1 || y > height || x < -1 || x > width)
        {
            return [(0, 0), (0, 0), (0, 0), (0, 0)];
        }
        (y, x) = (Math.Max(y, 0), Math.Max(x, 0));
        int yLow = (int)y, xLow = (int)x, yHigh, xHigh;
        (yLow, yHigh, y) = yLow >= height - 1 ? (height - 1, height - 1, height - 1) : (yLow, yLow + 1, y);
        (xLow, xHigh, x) = xLow >= width - 1 ? (width - 1, width - 1, width - 1) : (xLow, xLow + 1, x);
        double ly = y - yLow, lx = x - xLow, hy = 1 - ly, hx = 1 - lx;
        return [(yLow * width + xLow, hy * hx), (yLow * width + xHigh, hy * lx), (yHigh * width + xLow, ly * hx), (yHigh * width + xHigh, ly * lx)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<RoiAlignAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var rois = Required(inputs, 1, "rois");
        var indices = Required(inputs, 2, "batch_indices");
        var (batch, channels, height, width) = (x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var count = rois.Shape[0];
        var y = Tensor.Zeros(x.DataType, [count, channels, a.OutputHeight, a.OutputWidth]);
        for (var r = 0; r < count; r++)
        {
            var image = (int)Math.Clamp(indices.GetInt64(r), 0, batch - 1);
            var g = Region(a, rois.GetDouble(4 * r), rois.GetDouble(4 * r + 1), rois.GetDouble(4 * r + 2), rois.GetDouble(4 * r + 3));
            var samples = Math.Max(g.GridHeight * g.GridWidth, 1);
            for (var c = 0; c < channels; c++)
            {
                var plane = (image * channels + c) * height * width;
                for (var ph = 0; ph < a.OutputHeight; ph++)
                {
                    for (var pw = 0; pw < a.OutputWidth; pw++)
                    {
                        var result = a.Max ? double.NegativeInfinity : 0;
                        for (var iy = 0; iy < g.GridHeight; iy++)
                        {
                            for (var ix = 0; ix < g.GridWidth; ix++)
                            {
                                var corners = Sample(g.StartY + ph * g.BinHeight + (iy + 0.5) * g.BinHeight / g.GridHeight,
                                    g.StartX + pw * g.BinWidth + (ix + 0.5) * g.BinWidth / g.GridWidth, height, width);
                                var weighted = corners.Select(p => p.Weight * x.GetDouble(plane + p.Offset));
                                result = a.Max ? Math.Max(result, weighted.Max()) : result + weighted.Sum();
                            }
                        }
                        var value = a.Max ? (g.GridHeight * g.GridWidth == 0 ? 0 : result) : result / samples;
                        y.SetDouble(((r * channels + c) * a.OutputHeight + ph) * a.OutputWidth + pw, value);
                    }
                }
            }
        }
        return [y];
    }
}
