using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Compress.</summary>
/// <param name="Axis">The axis selected along, or null to select from the flattened input.</param>
public sealed record CompressAttributes(long? Axis) : OperatorAttributes;

/// <summary>
/// ONNX Compress (opset 9): the slices along an axis (or elements of the flattened input) whose entry in the bool
/// condition is true; entries past the condition's length are dropped. The count depends on the data: at most the
/// shorter of the condition and the axis, a run-time length.
/// </summary>
public sealed class CompressOperator : OnnxOperator, IBoundedOutputOperator
{
    /// <inheritdoc/>
    public override string OpType => "Compress";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new CompressAttributes(attributes.Has("axis") ? attributes.GetInt("axis", 0) : null);

    /// <summary>The input as [outer, axis length, inner] (the flattened input when there is no axis), and the axis.</summary>
    public static (int Outer, int Length, int Inner, int? Axis) Split(CompressAttributes a, int[] shape)
    {
        if (a.Axis is not { } given)
        {
            return (1, Shapes.ElementCount(shape), 1, null);
        }
        var axis = Shapes.NormalizeAxis(given, shape.Length);
        return (Shapes.ElementCount(shape[..axis]), shape[axis], Shapes.ElementCount(shape[(axis + 1)..]), axis);
    }

    private static int[] OutputShape(CompressAttributes a, int[] shape, int count) =>
        Split(a, shape).Axis is { } axis ? [.. shape[..axis], count, .. shape[(axis + 1)..]] : [count];

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<CompressAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var condition = Required(inputs, 1, "condition");
        if (condition.Shape is { Length: not 1 })
        {
            throw new OperatorException($"condition '{condition.Name}' must have rank 1, got {Shapes.Format(condition.Shape)}");
        }
        if (x.Shape is null)
        {
            return [new TensorType(x.ElementType, null)];
        }
        var count = condition.Constant is { } c ? Enumerable.Range(0, Math.Min(c.Length, Split(a, x.Shape).Length)).Count(i => c.GetInt64(i) != 0) : -1;
        return [new TensorType(x.ElementType, OutputShape(a, x.Shape, count))];
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<CompressAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var condition = Required(inputs, 1, "condition");
        if (!Shapes.IsStatic(x.Shape) || !Shapes.IsStatic(condition.Shape))
        {
            throw new OperatorException($"input '{x.Name}' and condition '{condition.Name}' need static shapes");
        }
        var split = Split(a, x.Shape!);
        var maximum = Math.Min(condition.Shape![0], split.Length);
        return [new BoundedShape(OutputShape(a, x.Shape!, maximum), [split.Axis ?? 0])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<CompressAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var condition = Required(inputs, 1, "condition");
        var (outer, length, inner, _) = Split(a, x.Shape);
        var kept = Enumerable.Range(0, Math.Min(condition.Length, length)).Where(i => condition.GetInt64(i) != 0).ToList();
        var result = Tensor.Zeros(x.DataType, OutputShape(a, x.Shape, kept.Count));
        for (var o = 0; o < outer; o++)
        {
            for (var k = 0; k < kept.Count; k++)
            {
                for (var i = 0; i < inner; i++)
                {
                    result.CopyElement(x, (o * length + kept[k]) * inner + i, (o * kept.Count + k) * inner + i);
                }
            }
        }
        return [result];
    }
}
