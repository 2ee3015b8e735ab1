using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Where: elementwise select with broadcasting, out = condition ? X : Y.</summary>
public sealed class WhereOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Where";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Broadcast;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var c = Required(inputs, 0, "condition");
        var x = Required(inputs, 1, "X");
        var y = Required(inputs, 2, "Y");
        if (c.ElementType != DataType.Bool || x.ElementType != y.ElementType)
        {
            throw new OperatorException($"expects bool condition and equal X/Y types, got {c.ElementType}, {x.ElementType}, {y.ElementType}");
        }
        return [new TensorType(x.ElementType, c.Shape is null || x.Shape is null || y.Shape is null ? null : Shapes.Broadcast(Shapes.Broadcast(c.Shape, x.Shape), y.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var c = Required(inputs, 0, "condition");
        var x = Required(inputs, 1, "X");
        var y = Required(inputs, 2, "Y");
        var shape = Shapes.Broadcast(Shapes.Broadcast(c.Shape, x.Shape), y.Shape);
        var result = Tensor.Zeros(x.DataType, shape);
        var conditions = (bool[])c.Data;
        ReferenceMath.ForEachBroadcast([c.Shape, x.Shape, y.Shape], (o, idx) =>
        {
            if (conditions[idx[0]])
            {
                result.CopyElement(x, idx[1], o);
            }
            else
            {
                result.CopyElement(y, idx[2], o);
            }
        });
        return [result];
    }
}
