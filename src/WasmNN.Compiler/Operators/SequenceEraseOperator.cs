using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX SequenceErase (opset 11): the sequence without the tensor at a position (default: the last).</summary>
/// <remarks>position in [-n, n - 1]; a negative one counts from the back.</remarks>
public sealed class SequenceEraseOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceErase";

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Sequence;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var sequence = Required(inputs, 0, "sequence");
        return [new TensorType(sequence.ElementType, sequence.Shape)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        List<Value> elements = [.. Required(inputs, 0, "sequence").RequireSequence("input 0")];
        var at = Position(ConstantInts(Optional(inputs, 1)?.Tensor) is [var p] ? p : -1, elements.Count);
        elements.RemoveAt(at);
        return [ResolvedValue.Sequence(elements)];
    }
}
