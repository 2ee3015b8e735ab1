using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Split.</summary>
/// <param name="Axis">Axis to split (default 0).</param>
/// <param name="Sizes">Sizes from the 'split' attribute (opset &lt; 13), or null.</param>
/// <param name="SizesFromInput">Opset 13+: sizes come from optional input 1.</param>
/// <param name="OutputCount">Number of outputs of the node (equal parts when no sizes are given).</param>
public sealed record SplitAttributes(long Axis, long[]? Sizes, bool SizesFromInput, int OutputCount) : OperatorAttributes;

/// <summary>ONNX Split: cut a tensor into consecutive parts along an axis.</summary>
/// <remarks>Without sizes the parts are ceil(dim / n) long, the last one taking the remainder (opset 18 rule).</remarks>
public sealed class SplitOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Split";

    /// <inheritdoc/>
    public override int MinOpset => 2;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new SplitAttributes(
        attributes.GetInt("axis", 0),
        opset < 13 ? attributes.GetInts("split") : null,
        opset >= 13,
        (int)attributes.GetInt("num_outputs", attributes.OutputCount));

    private static int[] Sizes(SplitAttributes a, int dim, long[]? fromInput)
    {
        var sizes = fromInput ?? a.Sizes;
        if (sizes is not null && sizes.Length > 0)
        {
            if (sizes.Sum() != dim || sizes.Length != a.OutputCount)
            {
                throw new OperatorException($"split sizes [{string.Join(", ", sizes)}] do not cut a dimension of {dim} into {a.OutputCount} outputs");
            }
            return [.. sizes.Select(s => (int)s)];
        }
        var n = a.OutputCount;
        var part = (dim + n - 1) / n;
        return [.. Enumerable.Range(0, n).Select(i => Math.Max(0, Math.Min(part, dim - i * part)))];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<SplitAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var sizesInput = a.SizesFromInput ? Optional(inputs, 1) : null;
        var fromInput = ReferenceMath.ConstantInts(sizesInput);
        if (x.Shape is null || (sizesInput is not null && fromInput is null))
        {
            return [.. Enumerable.Repeat(new TensorType(x.ElementType, null), a.OutputCount)];
        }
        var axis = Shapes.NormalizeAxis(a.Axis, x.Shape.Length);
        var sizes = Sizes(a, x.Shape[axis], fromInput);
        return [.. sizes.Select(s => new TensorType(x.ElementType, [.. x.Shape[..axis], s, .. x.Shape[(axis + 1)..]]))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<SplitAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var axis = Shapes.NormalizeAxis(a.Axis, x.Rank);
        var sizes = Sizes(a, x.Shape[axis], a.SizesFromInput ? Optional(inputs, 1)?.ToInt64Array() : null);
        var outer = Shapes.ElementCount(x.Shape[..axis]);
        var inner = Shapes.ElementCount(x.Shape[(axis + 1)..]);
        var results = new Tensor[sizes.Length];
        var begin = 0;
        for (var k = 0; k < sizes.Length; k++)
        {
            var part = Tensor.Zeros(x.DataType, [.. x.Shape[..axis], sizes[k], .. x.Shape[(axis + 1)..]]);
            for (var o = 0; o < outer; o++)
            {
                Array.Copy(x.Data, (o * x.Shape[axis] + begin) * inner, part.Data, o * sizes[k] * inner, sizes[k] * inner);
            }
            begin += sizes[k];
            results[k] = part;
        }
        return results;
    }
}
