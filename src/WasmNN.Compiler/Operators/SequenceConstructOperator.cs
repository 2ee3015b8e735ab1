using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX SequenceConstruct (opset 11): the sequence of its input tensors, in order.</summary>
public sealed class SequenceConstructOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceConstruct";

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Sequence;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var first = Required(inputs, 0, "first tensor");
        if (inputs.FirstOrDefault(v => v is null || v.ElementType != first.ElementType || v.Kind != ValueKind.Tensor) is { } other)
        {
            throw new OperatorException($"the inputs must be tensors of one element type; '{other.Name}' is a {other.Kind} of {other.ElementType}, '{first.Name}' {first.ElementType}");
        }
        return [new TensorType(first.ElementType, CommonShape(inputs))];
    }

    /// <summary>The shape every value has, or null when they differ or one is unknown.</summary>
    internal static int[]? CommonShape(IEnumerable<Value?> values)
    {
        var shapes = values.Select(v => v?.Shape).ToList();
        return shapes.Count > 0 && shapes.All(s => Shapes.IsStatic(s) && Shapes.AreEqual(s, shapes[0])) ? shapes[0] : null;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs) =>
        [ResolvedValue.Sequence([.. inputs.Select((v, i) => v!.RequireTensor($"input {i}"))])];
}
