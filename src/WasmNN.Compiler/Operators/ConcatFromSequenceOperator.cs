using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ConcatFromSequence.</summary>
/// <param name="Axis">ONNX 'axis' (required).</param>
/// <param name="NewAxis">ONNX 'new_axis' (default 0): stack on a new axis instead of joining along an existing one.</param>
public sealed record ConcatFromSequenceAttributes(long Axis, bool NewAxis) : OperatorAttributes;

/// <summary>ONNX ConcatFromSequence (opset 11): the sequence's tensors joined along an axis (a Concat of its elements).</summary>
/// <remarks>new_axis = 1 stacks them: each element gains a length-1 axis at <c>axis</c> (in [-r - 1, r]) first.</remarks>
public sealed class ConcatFromSequenceOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "ConcatFromSequence";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ConcatFromSequenceAttributes(attributes.Has("axis") ? attributes.GetInt("axis", 0) : throw new OperatorException("attribute 'axis' is required"),
            attributes.GetInt("new_axis", 0) != 0);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [new TensorType(Required(inputs, 0, "sequence").ElementType, null)];

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        var a = As<ConcatFromSequenceAttributes>(attributes);
        var elements = Required(inputs, 0, "sequence").RequireSequence("input 0");
        if (elements.Count == 0)
        {
            throw new OperatorException("the sequence is empty (ConcatFromSequence needs at least one tensor)");
        }
        if (elements.FirstOrDefault(e => !Shapes.IsStatic(e.Shape)) is { } unknown)
        {
            throw new OperatorException($"element '{unknown.Name}' has no static shape");
        }
        var rank = elements[0].Shape!.Length;
        var axis = Shapes.NormalizeAxis(a.Axis, a.NewAxis ? rank + 1 : rank);
        var parts = a.NewAxis ? elements.Select(e => b.Reshape(e, [.. e.Shape![..axis], 1, .. e.Shape![axis..]])).ToList() : elements;
        return [ResolvedValue.Of(b.Add("Concat", parts, ("axis", (long)axis)))];
    }
}
