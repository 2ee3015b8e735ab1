using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of GatherND.</summary>
/// <param name="BatchDims">Leading dimensions shared by data and indices (default 0; opset 12 and later).</param>
public sealed record GatherNDAttributes(int BatchDims) : OperatorAttributes;

/// <summary>ONNX GatherND: each index tuple (the last axis of indices) selects a slice of data.</summary>
/// <remarks>
/// With b = batch_dims and k = indices.shape[-1]: out[B, I, S] = data[B, indices[B, I, 0..k-1], S], output shape
/// indices.shape[:-1] + data.shape[b + k:].
/// </remarks>
public sealed class GatherNDOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "GatherND";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var batchDims = attributes.GetInt("batch_dims", 0);
        if (batchDims < 0 || batchDims > 64)
        {
            throw new OperatorException($"batch_dims {batchDims} must be a small non-negative number");
        }
        return new GatherNDAttributes((int)batchDims);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        IndexedAccess.RequireIndexType(indices);
        if (data.Shape is null || indices.Shape is null)
        {
            return [new TensorType(data.ElementType, null)];
        }
        return [new TensorType(data.ElementType, OutputShape(As<GatherNDAttributes>(attributes).BatchDims, data.Shape, indices.Shape))];
    }

    /// <summary>indices.shape[:-1] + data.shape[b + k:], after checking the ranks and the shared batch dimensions.</summary>
    internal static int[] OutputShape(int batchDims, int[] data, int[] indices)
    {
        if (indices.Length < 1 || indices.Length <= batchDims || data.Length <= batchDims)
        {
            throw new OperatorException($"batch_dims {batchDims} needs data and indices of higher rank (data {Shapes.Format(data)}, indices {Shapes.Format(indices)})");
        }
        var k = indices[^1];
        if (k < 0)
        {
            return [.. indices[..^1], -1];
        }
        if (k < 1 || batchDims + k > data.Length)
        {
            throw new OperatorException($"index tuples of length {k} do not fit data {Shapes.Format(data)} after {batchDims} batch dimensions");
        }
        for (var d = 0; d < batchDims; d++)
        {
            if (data[d] >= 0 && indices[d] >= 0 && data[d] != indices[d])
            {
                throw new OperatorException($"batch dimension {d} differs: data {data[d]}, indices {indices[d]}");
            }
        }
        return [.. indices[..^1], .. data[(batchDims + k)..]];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var batchDims = As<GatherNDAttributes>(attributes).BatchDims;
        var result = Tensor.Zeros(data.DataType, OutputShape(batchDims, data.Shape, indices.Shape));
        var k = indices.Shape[^1];
        var slice = Shapes.ElementCount(data.Shape[(batchDims + k)..]);
        var batchData = Shapes.ElementCount(data.Shape[batchDims..]);
        var tuplesPerBatch = Shapes.ElementCount(indices.Shape[batchDims..^1]);
        var batches = Shapes.ElementCount(indices.Shape[..batchDims]);
        for (var b = 0; b < batches; b++)
        {
            for (var t = 0; t < tuplesPerBatch; t++)
            {
                var tuple = b * tuplesPerBatch + t;
                var offset = b * batchData + IndexedAccess.TupleOffset(indices, tuple, data.Shape, batchDims);
                Array.Copy(data.Data, offset, result.Data, tuple * slice, slice);
            }
        }
        return [result];
    }
}
