using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX MatMul: numpy matmul (1-D operands promoted, batch dimensions broadcast).</summary>
/// <remarks>Y[..., i, j] = sum_k A[..., i, k] * B[..., k, j]</remarks>
public sealed class MatMulOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "MatMul";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.OutElementwiseFusable;

    /// <summary>Output shape of numpy matmul.</summary>
    public static int[] OutputShape(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            throw new OperatorException("MatMul operands must have rank at least 1");
        }
        var a2 = a.Length == 1 ? [1, a[0]] : a;
        var b2 = b.Length == 1 ? [b[0], 1] : b;
        if (a2[^1] >= 0 && b2[^2] >= 0 && a2[^1] != b2[^2])
        {
            throw new OperatorException($"inner dimensions differ: {Shapes.Format(a)} x {Shapes.Format(b)}");
        }
        var batch = Shapes.Broadcast(a2[..^2], b2[..^2]);
        var result = new List<int>(batch);
        if (a.Length > 1)
        {
            result.Add(a2[^2]);
        }
        if (b.Length > 1)
        {
            result.Add(b2[^1]);
        }
        return [.. result];
    }

    /// <summary>
    /// For each batch of the broadcast product, the element offsets of its A and B matrices in the operands
    /// <paramref name="a2"/> and <paramref name="b2"/> (shapes with 1-D operands promoted to matrices).
    /// </summary>
    public static (int A, int B)[] BatchOffsets(int[] a2, int[] b2)
    {
        var batch = Shapes.Broadcast(a2[..^2], b2[..^2]);
        var aStrides = Shapes.BroadcastStrides(a2[..^2], batch);
        var bStrides = Shapes.BroadcastStrides(b2[..^2], batch);
        var offsets = new (int, int)[Shapes.ElementCount(batch)];
        var coords = new int[batch.Length];
        for (var t = 0; t < offsets.Length; t++)
        {
            ReferenceMath.Unravel(t, batch, coords);
            int aOff = 0, bOff = 0;
            for (var d = 0; d < batch.Length; d++)
            {
                aOff += coords[d] * aStrides[d];
                bOff += coords[d] * bStrides[d];
            }
            offsets[t] = (aOff * a2[^2] * a2[^1], bOff * b2[^2] * b2[^1]);
        }
        return offsets;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        return [new TensorType(a.ElementType, a.Shape is null || b.Shape is null ? null : OutputShape(a.Shape, b.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        int[] a2 = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] b2 = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        var offsets = BatchOffsets(a2, b2);
        var ad = a.ToDoubleArray();
        var bd = b.ToDoubleArray();
        var y = new double[offsets.Length * m * n];
        for (var t = 0; t < offsets.Length; t++)
        {
            var (aOff, bOff) = offsets[t];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var sum = 0.0;
                    for (var p = 0; p < k; p++)
                    {
                        sum += ad[aOff + i * k + p] * bd[bOff + p * n + j];
                    }
                    y[(t * m + i) * n + j] = sum;
                }
            }
        }
        return [Tensor.FromDoubles(a.DataType, OutputShape(a.Shape, b.Shape), y)];
    }
}
