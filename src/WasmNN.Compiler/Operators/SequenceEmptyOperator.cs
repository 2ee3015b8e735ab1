using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of SequenceEmpty.</summary>
/// <param name="ElementType">ONNX 'dtype', the element type (default float).</param>
public sealed record SequenceEmptyAttributes(DataType ElementType) : OperatorAttributes;

/// <summary>ONNX SequenceEmpty (opset 11): a sequence of no tensors.</summary>
public sealed class SequenceEmptyOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceEmpty";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var code = (int)attributes.GetInt("dtype", OnnxDataTypes.ToOnnx(DataType.Float32));
        return new SequenceEmptyAttributes(OnnxDataTypes.FromOnnx(code) ?? throw new UnsupportedOperatorException($"dtype {OnnxDataTypes.Name(code)} is not supported"));
    }

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Sequence;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [new TensorType(As<SequenceEmptyAttributes>(attributes).ElementType, null)];

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs) =>
        [ResolvedValue.Sequence([])];
}
