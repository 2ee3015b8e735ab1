using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of LayerNormalization.</summary>
/// <param name="Axis">First normalised dimension (default -1): each row is X's dimensions from here on.</param>
/// <param name="Epsilon">Added to the variance (default 1e-5).</param>
public sealed record LayerNormalizationAttributes(long Axis, float Epsilon) : OperatorAttributes;

/// <summary>ONNX LayerNormalization (opset 17): normalise each row over the trailing dimensions.</summary>
/// <remarks>
/// Per row: mean = sum(x) / n, invStdDev = 1 / sqrt(sum((x - mean)^2) / n + epsilon),
/// Y = (x - mean) * invStdDev * Scale + B, with Scale and B broadcast (numpy rules) onto the row's shape. The
/// optional outputs Mean and InvStdDev have X's shape with the normalised dimensions set to 1.
/// </remarks>
public sealed class LayerNormalizationOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "LayerNormalization";

    /// <inheritdoc/>
    public override int MinOpset => 17;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        if (attributes.GetInt("stash_type", 1) != 1)
        {
            throw new UnsupportedOperatorException("LayerNormalization with stash_type other than 1 (float32) is not supported");
        }
        return new LayerNormalizationAttributes(attributes.GetInt("axis", -1), attributes.GetFloat("epsilon", 1e-5f));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        Required(inputs, 1, "Scale");
        if (x.Shape is null)
        {
            return [new TensorType(x.ElementType, null), new TensorType(DataType.Float32, null), new TensorType(DataType.Float32, null)];
        }
        var axis = Shapes.NormalizeAxis(As<LayerNormalizationAttributes>(attributes).Axis, x.Shape.Length);
        int[] statistics = [.. x.Shape.Select((d, i) => i < axis ? d : 1)];
        return [new TensorType(x.ElementType, x.Shape), new TensorType(DataType.Float32, statistics), new TensorType(DataType.Float32, statistics)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<LayerNormalizationAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var axis = Shapes.NormalizeAxis(a.Axis, x.Rank);
        var rowShape = x.Shape[axis..];
        var n = Shapes.ElementCount(rowShape);
        var rows = Shapes.ElementCount(x.Shape[..axis]);
        var scale = ExpandToRow(Required(inputs, 1, "Scale"), rowShape);
        var bias = Optional(inputs, 2) is { } b ? ExpandToRow(b, rowShape) : new double[n];
        var values = x.ToDoubleArray();
        var y = new double[values.Length];
        var means = new double[rows];
        var inverseStdDevs = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * n, n);
            var mean = 0.0;
            foreach (var v in row)
            {
                mean += v;
            }
            mean /= n;
            var variance = 0.0;
            foreach (var v in row)
            {
                variance += (v - mean) * (v - mean);
            }
            var inverseStdDev = 1 / Math.Sqrt(variance / n + a.Epsilon);
            for (var j = 0; j < n; j++)
            {
                y[r * n + j] = (row[j] - mean) * inverseStdDev * scale[j] + bias[j];
            }
            means[r] = mean;
            inverseStdDevs[r] = inverseStdDev;
        }
        int[] statistics = [.. x.Shape.Select((d, i) => i < axis ? d : 1)];
        return [Tensor.FromDoubles(x.DataType, x.Shape, y), Tensor.FromDoubles(DataType.Float32, statistics, means),
            Tensor.FromDoubles(DataType.Float32, statistics, inverseStdDevs)];
    }

    /// <summary>The values of <paramref name="parameter"/> broadcast (numpy rules) onto <paramref name="rowShape"/>, row-major.</summary>
    internal static double[] ExpandToRow(Tensor parameter, int[] rowShape)
    {
        var values = parameter.ToDoubleArray();
        var result = new double[Shapes.ElementCount(rowShape)];
        var strides = Shapes.BroadcastStrides(parameter.Shape, rowShape);
        var coords = new int[rowShape.Length];
        for (var i = 0; i < result.Length; i++)
        {
            ReferenceMath.Unravel(i, rowShape, coords);
            var source = 0;
            for (var d = 0; d < coords.Length; d++)
            {
                source += coords[d] * strides[d];
            }
            result[i] = values[source];
        }
        return result;
    }
}
