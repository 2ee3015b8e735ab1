using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of MaxPool and AveragePool.</summary>
/// <param name="AutoPad">NOTSET, SAME_UPPER, SAME_LOWER or VALID.</param>
/// <param name="CeilMode">Round the output size up.</param>
/// <param name="CountIncludePad">AveragePool: divide by the full window including padding.</param>
/// <param name="Dilations">Per spatial dimension (default 1).</param>
/// <param name="KernelShape">Window size (required).</param>
/// <param name="Pads">Begin pads then end pads (default 0).</param>
/// <param name="StorageOrder">MaxPool Indices: 0 row-major, 1 column-major.</param>
/// <param name="Strides">Per spatial dimension (default 1).</param>
public sealed record PoolAttributes(string AutoPad, bool CeilMode, bool CountIncludePad, long[]? Dilations, long[] KernelShape, long[]? Pads, int StorageOrder, long[]? Strides) : OperatorAttributes;

/// <summary>
/// Shared parsing, inference and the window walk of MaxPool and AveragePool, for any number of spatial dimensions.
/// </summary>
public abstract class PoolOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.OutElementwiseFusable;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new PoolAttributes(
        attributes.GetString("auto_pad", "NOTSET"),
        attributes.GetInt("ceil_mode", 0) != 0,
        attributes.GetInt("count_include_pad", 0) != 0,
        attributes.GetInts("dilations"),
        attributes.GetInts("kernel_shape") ?? throw new OperatorException("attribute 'kernel_shape' is required"),
        attributes.GetInts("pads"),
        (int)attributes.GetInt("storage_order", 0),
        attributes.GetInts("strides"));

    /// <summary>Window geometry for input shape <paramref name="x"/>.</summary>
    public static WindowGeometry Geometry(PoolAttributes a, int[] x) =>
        WindowGeometry.Compute(x[2..], ReferenceMath.ToShape(a.KernelShape), a.Strides, a.Dilations, a.Pads, a.AutoPad, a.CeilMode);

    /// <summary>Number of outputs the operator defines (MaxPool has Indices).</summary>
    protected virtual int OutputCount => 1;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<PoolAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        int[]? shape = null;
        if (x.Shape is not null)
        {
            if (x.Shape.Length != a.KernelShape.Length + 2)
            {
                throw new OperatorException($"input {Shapes.Format(x.Shape)} does not match kernel_shape of rank {a.KernelShape.Length}");
            }
            shape = [x.Shape[0], x.Shape[1], .. Geometry(a, x.Shape).Output];
        }
        var y = new TensorType(x.ElementType, shape);
        return OutputCount == 1 ? [y] : [y, new TensorType(DataType.Int64, shape)];
    }

    /// <summary>
    /// Visits every output position: <paramref name="reduce"/>(outputIndex, inputIndices, windowSize) gets the flat
    /// input indices of the in-bounds window elements and the window size clipped to the padded input.
    /// </summary>
    protected static void ForEachWindow(int[] xShape, WindowGeometry g, Action<int, List<int>, int> reduce)
    {
        var spatial = xShape[2..];
        var n = spatial.Length;
        var outCount = Shapes.ElementCount(g.Output);
        var kernelCount = Shapes.ElementCount(g.Kernel);
        var planes = xShape[0] * xShape[1];
        var planeSize = Shapes.ElementCount(spatial);
        var outCoord = new int[n];
        var kCoord = new int[n];
        var window = new List<int>();
        for (var plane = 0; plane < planes; plane++)
        {
            for (var o = 0; o < outCount; o++)
            {
                ReferenceMath.Unravel(o, g.Output, outCoord);
                window.Clear();
                var padded = 1;
                for (var d = 0; d < n; d++)
                {
                    // Window extent clipped to the padded input (matters for ceil_mode's partial windows).
                    var start = outCoord[d] * g.Strides[d] - g.PadBegin[d];
                    var end = Math.Min(start + (g.Kernel[d] - 1) * g.Dilations[d] + 1, spatial[d] + g.PadEnd[d]);
                    padded *= (end - start + g.Dilations[d] - 1) / g.Dilations[d];
                }
                for (var k = 0; k < kernelCount; k++)
                {
                    ReferenceMath.Unravel(k, g.Kernel, kCoord);
                    var flat = 0;
                    var inside = true;
                    for (var d = 0; d < n && inside; d++)
                    {
                        var pos = outCoord[d] * g.Strides[d] - g.PadBegin[d] + kCoord[d] * g.Dilations[d];
                        inside = pos >= 0 && pos < spatial[d];
                        flat = flat * spatial[d] + pos;
                    }
                    if (inside)
                    {
                        window.Add(plane * planeSize + flat);
                    }
                }
                reduce(plane * outCount + o, window, padded);
            }
        }
    }
}
