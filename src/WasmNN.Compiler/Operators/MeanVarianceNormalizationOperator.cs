using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of MeanVarianceNormalization.</summary>
/// <param name="Axes">The axes the mean and variance run over (default [0, 2, 3]).</param>
public sealed record MeanVarianceNormalizationAttributes(long[] Axes) : OperatorAttributes;

/// <summary>ONNX MeanVarianceNormalization (opset 9, 13): (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) over the axes (the variance floored at 0 against rounding).</summary>
public sealed class MeanVarianceNormalizationOperator : OnnxOperator
{
    /// <summary>Added to the standard deviation, as the specification's function body does.</summary>
    public const double Epsilon = 1e-9;

    /// <inheritdoc/>
    public override string OpType => "MeanVarianceNormalization";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new MeanVarianceNormalizationAttributes(attributes.GetInts("axes") ?? [0, 2, 3]);

    /// <summary>Which dimensions of a rank-<paramref name="rank"/> input are reduced.</summary>
    public static bool[] ReducedMask(MeanVarianceNormalizationAttributes a, int rank)
    {
        var mask = new bool[rank];
        foreach (var axis in a.Axes)
        {
            mask[Shapes.NormalizeAxis(axis, rank)] = true;
        }
        return mask;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (!x.ElementType.IsFloat())
        {
            throw new OperatorException($"X is {x.ElementType}; MeanVarianceNormalization needs floats");
        }
        if (x.Shape is { } shape)
        {
            ReducedMask(As<MeanVarianceNormalizationAttributes>(attributes), shape.Length);
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var mask = ReducedMask(As<MeanVarianceNormalizationAttributes>(attributes), x.Rank);
        // Group elements by their kept coordinates.
        var groups = new Dictionary<long, List<int>>();
        var position = new int[x.Rank];
        for (var p = 0; p < x.Length; p++)
        {
            long key = 0;
            for (var d = 0; d < x.Rank; d++)
            {
                key = key * x.Shape[d] + (mask[d] ? 0 : position[d]);
            }
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }
            members.Add(p);
            IndexedAccess.Advance(position, x.Shape);
        }
        var y = Tensor.Zeros(x.DataType, x.Shape);
        foreach (var members in groups.Values)
        {
            var mean = members.Average(x.GetDouble);
            var meanOfSquares = members.Average(p => x.GetDouble(p) * x.GetDouble(p));
            var deviation = Math.Sqrt(Math.Max(0, meanOfSquares - mean * mean)) + Epsilon;
            foreach (var p in members)
            {
                y.SetDouble(p, (x.GetDouble(p) - mean) / deviation);
            }
        }
        return [y];
    }
}
