using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Identity: the output is the input.</summary>
public sealed class IdentityOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Identity";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) =>
        Optional(inputs, 0)?.Kind ?? ValueKind.Tensor;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) => [Required(inputs, 0, "input")];
}
