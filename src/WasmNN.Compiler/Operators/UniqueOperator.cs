using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Unique.</summary>
/// <param name="Axis">The axis whose slices are compared, or null for the elements of the flattened input.</param>
/// <param name="Sorted">Ascending order (slices compared lexicographically, row-major); else order of first occurrence.</param>
public sealed record UniqueAttributes(long? Axis, bool Sorted) : OperatorAttributes;

/// <summary>
/// ONNX Unique (opset 11): the distinct elements (or slices along an axis) Y, the index of each one's first
/// occurrence, for each input element (slice) the position of its value in Y, and how often each occurs. The count U
/// depends on the data: at most the axis' length (the input's size without an axis), one run-time length shared by
/// Y's axis, indices and counts; inverse_indices has the input's static length.
/// </summary>
public sealed class UniqueOperator : OnnxOperator, IBoundedOutputOperator
{
    /// <inheritdoc/>
    public override string OpType => "Unique";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new UniqueAttributes(attributes.Has("axis") ? attributes.GetInt("axis", 0) : null, attributes.GetInt("sorted", 1) != 0);

    private static CompressAttributes Split(UniqueAttributes a) => new(a.Axis);

    /// <summary>The input as [outer, axis length, inner] (the flattened input when there is no axis), and the axis.</summary>
    public static (int Outer, int Length, int Inner, int? Axis) Geometry(UniqueAttributes a, int[] shape) => CompressOperator.Split(Split(a), shape);

    private static TensorType[] Types(UniqueAttributes a, DataType type, int[] shape, int count)
    {
        var (_, length, _, axis) = Geometry(a, shape);
        int[] y = axis is { } d ? [.. shape[..d], count, .. shape[(d + 1)..]] : [count];
        return [new TensorType(type, y), new TensorType(DataType.Int64, [count]), new TensorType(DataType.Int64, [length]), new TensorType(DataType.Int64, [count])];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<UniqueAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        if (x.Shape is null || !Shapes.IsStatic(x.Shape))
        {
            return [new TensorType(x.ElementType, null), new TensorType(DataType.Int64, null), new TensorType(DataType.Int64, null), new TensorType(DataType.Int64, null)];
        }
        if (x.Constant is { } constant)
        {
            return [.. Evaluate(attributes, [constant]).Select(t => new TensorType(t.DataType, t.Shape))];
        }
        return Types(a, x.ElementType, x.Shape, -1);
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<UniqueAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        if (x.Shape is not { } shape || !Shapes.IsStatic(shape))
        {
            throw new OperatorException($"input '{x.Name}' needs a static shape, got {Shapes.Format(x.Shape)}");
        }
        var (_, length, _, axis) = Geometry(a, shape);
        var types = Types(a, x.ElementType, shape, length);
        return [new BoundedShape(types[0].Shape!, [axis ?? 0]), new BoundedShape([length], [0]), new BoundedShape([length], []), new BoundedShape([length], [0])];
    }

    /// <summary>
    /// The unique slices in output order: for each, the index of its first occurrence; and for each input slice the
    /// position of its value in that order. <paramref name="compare"/> orders two slices by index.
    /// </summary>
    public static (int[] First, int[] Inverse, int[] Counts) Plan(int length, bool sorted, Func<int, int, int> compare)
    {
        var first = new List<int>();
        var owner = new int[length];
        for (var d = 0; d < length; d++)
        {
            var match = first.FindIndex(f => compare(f, d) == 0);
            owner[d] = match >= 0 ? match : first.Count;
            if (match < 0)
            {
                first.Add(d);
            }
        }
        var order = Enumerable.Range(0, first.Count).ToArray();
        if (sorted)
        {
            // Each unique's rank: how many other uniques are smaller (they are distinct, so ranks are a permutation).
            var rank = order.Select(u => order.Count(v => compare(first[v], first[u]) < 0)).ToArray();
            order = [.. order.OrderBy(u => rank[u])];
        }
        var position = new int[first.Count];
        for (var p = 0; p < order.Length; p++)
        {
            position[order[p]] = p;
        }
        var counts = new int[first.Count];
        foreach (var u in owner)
        {
            counts[position[u]]++;
        }
        return ([.. order.Select(u => first[u])], [.. owner.Select(u => position[u])], counts);
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<UniqueAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var (outer, length, inner, _) = Geometry(a, x.Shape);
        double Element(int slice, int j) => x.GetDouble((j / inner * length + slice) * inner + j % inner);
        int Compare(int p, int q)
        {
            for (var j = 0; j < outer * inner; j++)
            {
                var (u, v) = (Element(p, j), Element(q, j));
                if (u != v)
                {
                    return u < v ? -1 : 1;
                }
            }
            return 0;
        }
        var (first, inverse, counts) = Plan(length, a.Sorted, Compare);
        var types = Types(a, x.DataType, x.Shape, first.Length);
        var y = Tensor.Zeros(x.DataType, types[0].Shape!);
        for (var o = 0; o < outer; o++)
        {
            for (var p = 0; p < first.Length; p++)
            {
                for (var i = 0; i < inner; i++)
                {
                    y.CopyElement(x, (o * length + first[p]) * inner + i, (o * first.Length + p) * inner + i);
                }
            }
        }
        return [y, Tensor.FromInt64s([first.Length], [.. first.Select(f => (long)f)]), Tensor.FromInt64s([length], [.. inverse.Select(v => (long)v)]),
            Tensor.FromInt64s([first.Length], [.. counts.Select(c => (long)c)])];
    }
}
