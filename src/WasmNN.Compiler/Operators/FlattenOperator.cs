using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Flatten.</summary>
/// <param name="Axis">Dimensions before this axis form the rows (default 1; negative counts from the end).</param>
public sealed record FlattenAttributes(long Axis) : OperatorAttributes;

/// <summary>ONNX Flatten: reshape to 2-D [prod(d[0..axis)), prod(d[axis..])].</summary>
public sealed class FlattenOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Flatten";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new FlattenAttributes(attributes.GetInt("axis", 1));

    private static int[] OutputShape(long axis, int[] shape)
    {
        var a = axis < 0 ? axis + shape.Length : axis;
        if (a < 0 || a > shape.Length)
        {
            throw new OperatorException($"axis {axis} is out of range for rank {shape.Length}");
        }
        var rows = shape[..(int)a];
        var cols = shape[(int)a..];
        return [Shapes.ElementCount(rows), Shapes.ElementCount(cols)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return [new TensorType(x.ElementType, x.Shape is null ? null : OutputShape(As<FlattenAttributes>(attributes).Axis, x.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return [x.Reshape(OutputShape(As<FlattenAttributes>(attributes).Axis, x.Shape))];
    }
}
