using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of SplitToSequence.</summary>
/// <param name="Axis">ONNX 'axis' (default 0).</param>
/// <param name="KeepDims">ONNX 'keepdims' (default 1): whether pieces of length 1 keep the split axis when no split is given.</param>
public sealed record SplitToSequenceAttributes(long Axis, bool KeepDims) : OperatorAttributes;

/// <summary>ONNX SplitToSequence (opset 11): the input cut along an axis into a sequence of pieces.</summary>
/// <remarks>
/// No split: pieces of length 1 (without the axis when keepdims = 0); a scalar split: pieces of that length, the last
/// shorter; a 1-D split: pieces of those lengths. Each piece is a Slice of the input (a Gather for keepdims = 0).
/// </remarks>
public sealed class SplitToSequenceOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SplitToSequence";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SplitToSequenceAttributes(attributes.GetInt("axis", 0), attributes.GetInt("keepdims", 1) != 0);

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Sequence;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var input = Required(inputs, 0, "input");
        var pieces = Pieces(As<SplitToSequenceAttributes>(attributes), input.Shape, Optional(inputs, 1));
        return [new TensorType(input.ElementType, pieces?.Select(p => p.Shape).Distinct(ShapeComparer.Instance).Count() == 1 ? pieces[0].Shape : null)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        var a = As<SplitToSequenceAttributes>(attributes);
        var input = Required(inputs, 0, "input").RequireTensor("input 0");
        var split = Optional(inputs, 1)?.RequireTensor("input 1");
        var pieces = Pieces(a, input.Shape, split) ?? throw new OperatorException($"the input's shape {Shapes.Format(input.Shape)} is not static");
        var axis = Shapes.NormalizeAxis(a.Axis, input.Shape!.Length);
        var axes = b.Int64s(axis);
        return [ResolvedValue.Sequence([.. pieces.Select(p => split is null && !a.KeepDims
            ? b.Add("Gather", [input, b.Constant(Tensor.FromInt64s([], [p.Start]))], ("axis", (long)axis))
            : b.Add("Slice", [input, b.Int64s(p.Start), b.Int64s(p.Start + p.Shape[axis]), axes]))])];
    }

    /// <summary>Each piece's start along the axis and shape; null while the input's shape or the split is unknown.</summary>
    private static List<(long Start, int[] Shape)>? Pieces(SplitToSequenceAttributes a, int[]? shape, Value? split)
    {
        if (!Shapes.IsStatic(shape) || (split is not null && !split.IsConstant))
        {
            return null;
        }
        var axis = Shapes.NormalizeAxis(a.Axis, shape!.Length);
        var extent = shape[axis];
        var lengths = ConstantInts(split) switch
        {
            null => Enumerable.Repeat(1L, extent).ToArray(),
            [var size] when split!.Shape is [] => size > 0
                ? [.. Enumerable.Range(0, (int)((extent + size - 1) / size)).Select(i => Math.Min(size, extent - i * size))]
                : throw new OperatorException($"split {size} is not positive"),
            var sizes => sizes.Sum() == extent && sizes.All(s => s >= 0) ? sizes
                : throw new OperatorException($"split [{string.Join(", ", sizes)}] does not add up to the axis length {extent}"),
        };
        var pieces = new List<(long, int[])>();
        var start = 0L;
        foreach (var length in lengths)
        {
            int[] piece = split is null && !a.KeepDims ? [.. shape.Where((_, d) => d != axis)] : [.. shape.Select((d, k) => k == axis ? (int)length : d)];
            pieces.Add((start, piece));
            start += length;
        }
        return pieces;
    }

    private sealed class ShapeComparer : IEqualityComparer<int[]>
    {
        public static ShapeComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => Shapes.AreEqual(x, y);

        public int GetHashCode(int[] obj) => obj.Length;
    }
}
