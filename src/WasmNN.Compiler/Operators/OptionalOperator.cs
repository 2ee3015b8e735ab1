using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Optional.</summary>
/// <param name="ElementType">The element type ONNX 'type' names (float when absent).</param>
/// <param name="OfSequence">Whether 'type' is a sequence type.</param>
public sealed record OptionalAttributes(DataType ElementType, bool OfSequence) : OperatorAttributes;

/// <summary>ONNX Optional (opset 15): an optional holding its input, or an empty one (of the type 'type' names) when the input is omitted.</summary>
public sealed class OptionalOperator : SequenceOperator
{
    /// <summary>The 'type' attribute value (as the importer reads a TypeProto attribute) describing <paramref name="optional"/>'s contents.</summary>
    public static (DataType, ValueKind) TypeOf(Value optional) =>
        (optional.ElementType, optional.Kind == ValueKind.OptionalSequence ? ValueKind.Sequence : ValueKind.Tensor);

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => attributes.Get("type") switch
    {
        null => new OptionalAttributes(DataType.Float32, false),
        (DataType type, ValueKind kind) => new OptionalAttributes(type, kind == ValueKind.Sequence),
        var other => throw new OperatorException($"attribute 'type' must be a tensor or sequence type, got {other}"),
    };

    /// <inheritdoc/>
    public override string OpType => "Optional";

    /// <inheritdoc/>
    public override int MinOpset => 15;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) =>
        (Optional(inputs, 0) is { } x ? x.Kind == ValueKind.Sequence : As<OptionalAttributes>(attributes).OfSequence) ? ValueKind.OptionalSequence : ValueKind.OptionalTensor;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [Optional(inputs, 0) is { } x ? new TensorType(x.ElementType, x.Shape) : new TensorType(As<OptionalAttributes>(attributes).ElementType, null)];

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs) =>
        [Optional(inputs, 0) ?? ResolvedValue.None];
}
