using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX SequenceInsert (opset 11): the sequence with a tensor inserted at a position (default: appended).</summary>
/// <remarks>position in [-n, n]; a negative one counts from the back.</remarks>
public sealed class SequenceInsertOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceInsert";

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 2;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Sequence;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var (sequence, tensor) = (Required(inputs, 0, "sequence"), Required(inputs, 1, "tensor"));
        if (sequence.ElementType != tensor.ElementType)
        {
            throw new OperatorException($"the tensor is {tensor.ElementType}; the sequence holds {sequence.ElementType}");
        }
        // An empty sequence of unknown shape takes the tensor's; otherwise both must agree for the shape to be known.
        return [new TensorType(sequence.ElementType, sequence.Producer?.Operator is SequenceEmptyOperator ? tensor.Shape
            : SequenceConstructOperator.CommonShape([sequence, tensor]))];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        List<Value> elements = [.. Required(inputs, 0, "sequence").RequireSequence("input 0")];
        var tensor = Required(inputs, 1, "tensor").RequireTensor("input 1");
        var at = ConstantInts(Optional(inputs, 2)?.Tensor) is [var p] ? Position(p, elements.Count, end: true) : elements.Count;
        elements.Insert(at, tensor);
        return [ResolvedValue.Sequence(elements)];
    }
}
