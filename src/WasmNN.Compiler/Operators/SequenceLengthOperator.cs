using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX SequenceLength (opset 11): the number of tensors in the sequence, as an int64 scalar.</summary>
public sealed class SequenceLengthOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceLength";

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [new TensorType(DataType.Int64, [])];

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs) =>
        [ResolvedValue.Of(b.Constant(Tensor.FromInt64s([], [Required(inputs, 0, "sequence").RequireSequence("input 0").Count])))];
}
