using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of TopK.</summary>
/// <param name="Axis">The axis searched (default -1).</param>
/// <param name="K">The attribute k (opset 1); from opset 10 k is input 1, a constant.</param>
/// <param name="Largest">The k largest (default) or the k smallest (opset 11+).</param>
public sealed record TopKAttributes(long Axis, long? K, bool Largest) : OperatorAttributes;

/// <summary>
/// ONNX TopK: the k largest (or smallest) elements along an axis and their int64 indices, best first; equal
/// values keep the lower index first, as the spec asks. Always sorted (sorted=0 leaves the order to us).
/// </summary>
public sealed class TopKOperator : OnnxOperator, IBoundedOutputOperator
{
    /// <inheritdoc/>
    public override string OpType => "TopK";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new TopKAttributes(
        attributes.GetInt("axis", -1),
        opset < 10 ? attributes.GetInt("k", -1) : null,
        opset < 11 || attributes.GetInt("largest", 1) != 0);

    /// <summary>
    /// A k computed at run time gives outputs of run-time length along the axis, at most the axis size: the kernel
    /// sorts the whole axis and reports k.
    /// </summary>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<TopKAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        if (a.K is not null || ReferenceMath.ConstantInts(Required(inputs, 1, "K")) is not null)
        {
            return null;
        }
        if (!Shapes.IsStatic(x.Shape))
        {
            throw new OperatorException($"input '{x.Name}' needs a static shape, got {Shapes.Format(x.Shape)}");
        }
        var axis = Shapes.NormalizeAxis(a.Axis, x.Shape!.Length);
        return [new BoundedShape(x.Shape, [axis]), new BoundedShape(x.Shape, [axis])];
    }

    /// <summary>The input as [outer, axis length, inner], k, and the shape of both outputs.</summary>
    public static (int Outer, int Length, int Inner, int K, int[] Output) Split(TopKAttributes a, int[] shape, long k)
    {
        var axis = Shapes.NormalizeAxis(a.Axis, shape.Length);
        if (k < 0 || (shape[axis] >= 0 && k > shape[axis]))
        {
            throw new OperatorException($"k = {k} is outside [0, {shape[axis]}] (the size of axis {axis})");
        }
        int[] output = [.. shape[..axis], (int)k, .. shape[(axis + 1)..]];
        return (Shapes.ElementCount(shape[..axis]), shape[axis], Shapes.ElementCount(shape[(axis + 1)..]), (int)k, output);
    }

    private static long? KOf(TopKAttributes a, long[]? input) => a.K ?? (input is { Length: 1 } ? input[0] : null);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<TopKAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var k = KOf(a, a.K is null ? ReferenceMath.ConstantInts(Required(inputs, 1, "K")) : null);
        var shape = x.Shape is null ? null : k is { } known ? Split(a, x.Shape, known).Output
            : [.. x.Shape.Select((d, i) => i == Shapes.NormalizeAxis(a.Axis, x.Shape.Length) ? -1 : d)];
        return [new TensorType(x.ElementType, shape), new TensorType(DataType.Int64, shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<TopKAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var k = KOf(a, a.K is null ? Required(inputs, 1, "K").ToInt64Array() : null) ?? throw new OperatorException("K must hold one value");
        var (outer, length, inner, count, output) = Split(a, x.Shape, k);
        var values = Tensor.Zeros(x.DataType, output);
        var indices = new long[values.Length];
        var isFloat = x.DataType is DataType.Float32 or DataType.Float64;
        var order = new int[length];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                int At(int position) => ((o * length) + position) * inner + i;
                for (var p = 0; p < length; p++)
                {
                    order[p] = p;
                }
                var keys = order.Select(p => isFloat ? x.GetDouble(At(p)) : x.GetInt64(At(p))).ToArray();
                // Best first; equal values by ascending index.
                Array.Sort(order, (p, q) => (a.Largest ? keys[q].CompareTo(keys[p]) : keys[p].CompareTo(keys[q])) is var c and not 0 ? c : p.CompareTo(q));
                var sorted = order;
                for (var j = 0; j < count; j++)
                {
                    var target = ((o * count) + j) * inner + i;
                    values.CopyElement(x, At(sorted[j]), target);
                    indices[target] = sorted[j];
                }
            }
        }
        return [values, Tensor.FromInt64s(output, indices)];
    }
}
