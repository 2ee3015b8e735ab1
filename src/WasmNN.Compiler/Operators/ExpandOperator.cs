using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Expand: broadcast the input against a target shape (the result has the broadcast shape).</summary>
public sealed class ExpandOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Expand";

    /// <inheritdoc/>
    public override int MinOpset => 8;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Broadcast;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var shape = ReferenceMath.ConstantInts(Required(inputs, 1, "shape"));
        return [new TensorType(x.ElementType, x.Shape is null || shape is null ? null : Shapes.Broadcast(x.Shape, ReferenceMath.ToShape(shape)))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var target = ReferenceMath.ToShape(Required(inputs, 1, "shape").ToInt64Array());
        var outShape = Shapes.Broadcast(x.Shape, target);
        var result = Tensor.Zeros(x.DataType, outShape);
        ReferenceMath.ForEachBroadcast([x.Shape, target], (o, idx) => result.CopyElement(x, idx[0], o));
        return [result];
    }
}
