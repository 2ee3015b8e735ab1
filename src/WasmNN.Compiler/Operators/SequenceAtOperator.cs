using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX SequenceAt (opset 11): the tensor at a position of the sequence.</summary>
/// <remarks>position in [-n, n - 1]; a negative one counts from the back.</remarks>
public sealed class SequenceAtOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceAt";

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var sequence = Required(inputs, 0, "sequence");
        return [new TensorType(sequence.ElementType, sequence.Shape)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        var elements = Required(inputs, 0, "sequence").RequireSequence("input 0");
        var position = ConstantInts(Required(inputs, 1, "position").RequireTensor("input 1")) is [var p] ? p
            : throw new OperatorException("the position must be one integer");
        return [ResolvedValue.Of(elements[Position(position, elements.Count)])];
    }
}
