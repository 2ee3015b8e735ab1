using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX OptionalGetElement (opset 15): the value an optional holds (from opset 18 a tensor or sequence passes through).</summary>
public sealed class OptionalGetElementOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "OptionalGetElement";

    /// <inheritdoc/>
    public override int MinOpset => 15;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) =>
        Optional(inputs, 0)?.Kind is ValueKind.Sequence or ValueKind.OptionalSequence ? ValueKind.Sequence : ValueKind.Tensor;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var optional = Required(inputs, 0, "optional");
        return [new TensorType(optional.ElementType, optional.Shape)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        var optional = Required(inputs, 0, "optional");
        return optional.IsNone ? throw new OperatorException("the optional is empty") : [optional];
    }
}
