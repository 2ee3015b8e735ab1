using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX MaxPool: maximum over each window; optional Indices output (flat, row- or column-major).</summary>
public sealed class MaxPoolOperator : PoolOperator
{
    /// <inheritdoc/>
    public override string OpType => "MaxPool";

    /// <inheritdoc/>
    protected override int OutputCount => 2;

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<PoolAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var g = Geometry(a, x.Shape);
        int[] shape = [x.Shape[0], x.Shape[1], .. g.Output];
        var y = Tensor.Zeros(x.DataType, shape);
        var indices = new long[y.Length];
        var spatial = x.Shape[2..];
        var planeSize = Shapes.ElementCount(spatial);
        var coords = new int[spatial.Length];
        ForEachWindow(x.Shape, g, (o, window, _) =>
        {
            var best = -1;
            foreach (var i in window)
            {
                if (best < 0 || x.GetDouble(i) > x.GetDouble(best))
                {
                    best = i;
                }
            }
            if (best < 0)
            {
                throw new OperatorException("a pooling window lies entirely in the padding");
            }
            y.CopyElement(x, best, o);
            indices[o] = best;
            if (a.StorageOrder == 1)
            {
                // Column-major: spatial coordinates reversed in significance, batch and channel unchanged.
                var plane = best / planeSize;
                ReferenceMath.Unravel(best % planeSize, spatial, coords);
                long flat = 0;
                for (var d = spatial.Length - 1; d >= 0; d--)
                {
                    flat = flat * spatial[d] + coords[d];
                }
                indices[o] = (long)plane * planeSize + flat;
            }
        });
        return [y, Tensor.FromInt64s(shape, indices)];
    }
}
