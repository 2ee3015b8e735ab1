using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX OptionalHasElement (opset 15): whether the optional holds a value (a bool scalar; true for a tensor or sequence, false for an omitted input from opset 18).</summary>
public sealed class OptionalHasElementOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "OptionalHasElement";

    /// <inheritdoc/>
    public override int MinOpset => 15;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [new TensorType(DataType.Bool, [])];

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs) =>
        [ResolvedValue.Of(b.Constant(new Tensor(DataType.Bool, [], new[] { Optional(inputs, 0) is { IsNone: false } })))];
}
