using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Det (opset 11): the determinant of each square matrix in the last two dimensions.</summary>
/// <remarks>Computed by Gaussian elimination with partial pivoting: the product of the pivots, negated per row swap.</remarks>
public sealed class DetOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Det";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (!x.ElementType.IsFloat())
        {
            throw new OperatorException($"X is {x.ElementType}; Det needs floats");
        }
        if (x.Shape is not { } shape)
        {
            return [new TensorType(x.ElementType, null)];
        }
        if (shape.Length < 2 || (shape[^1] >= 0 && shape[^2] >= 0 && shape[^1] != shape[^2]))
        {
            throw new OperatorException($"X has shape {Shapes.Format(shape)}; Det needs square matrices in the last two dimensions");
        }
        return [new TensorType(x.ElementType, shape[..^2])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var m = x.Shape[^1];
        var batch = Shapes.ElementCount(x.Shape[..^2]);
        var values = x.ToDoubleArray();
        var result = new double[batch];
        for (var b = 0; b < batch; b++)
        {
            var a = values.AsSpan(b * m * m, m * m).ToArray();
            var det = 1.0;
            for (var k = 0; k < m; k++)
            {
                var pivot = k;
                for (var i = k + 1; i < m; i++)
                {
                    if (Math.Abs(a[i * m + k]) > Math.Abs(a[pivot * m + k]))
                    {
                        pivot = i;
                    }
                }
                if (a[pivot * m + k] == 0)
                {
                    det = 0;
                    continue;
                }
                if (pivot != k)
                {
                    for (var j = 0; j < m; j++)
                    {
                        (a[k * m + j], a[pivot * m + j]) = (a[pivot * m + j], a[k * m + j]);
                    }
                    det = -det;
                }
                det *= a[k * m + k];
                for (var i = k + 1; i < m; i++)
                {
                    var f = a[i * m + k] / a[k * m + k];
                    for (var j = 0; j < m; j++)
                    {
                        a[i * m + j] -= f * a[k * m + j];
                    }
                }
            }
            result[b] = det;
        }
        return [Tensor.FromDoubles(x.DataType, x.Shape[..^2], result)];
    }
}
