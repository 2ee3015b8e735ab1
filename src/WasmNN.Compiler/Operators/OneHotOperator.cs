using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of OneHot.</summary>
/// <param name="Axis">Where the depth dimension is inserted in the output (default -1, last).</param>
public sealed record OneHotAttributes(long Axis) : OperatorAttributes;

/// <summary>ONNX OneHot (opset 9): values[1] where the output's depth coordinate equals the index, values[0] elsewhere.</summary>
/// <remarks>
/// Indices of any numeric type are truncated to integers; a negative index counts from depth; an index outside
/// [-depth, depth) gives a row of values[0]. depth configures the output shape, so it must be a constant.
/// </remarks>
public sealed class OneHotOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "OneHot";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new OneHotAttributes(attributes.GetInt("axis", -1));

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <summary>The output viewed as [outer, depth, inner] around the inserted axis.</summary>
    public static (int Outer, int Inner) Split(OneHotAttributes a, int[] indicesShape)
    {
        var axis = Shapes.NormalizeAxis(a.Axis, indicesShape.Length + 1);
        return (Shapes.ElementCount(indicesShape[..axis]), Shapes.ElementCount(indicesShape[axis..]));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var indices = Required(inputs, 0, "indices");
        var depth = Required(inputs, 1, "depth");
        var values = Required(inputs, 2, "values");
        if (values.Shape is { } v && Shapes.IsStatic(v) && Shapes.ElementCount(v) != 2)
        {
            throw new OperatorException($"values have shape {Shapes.Format(v)}; OneHot needs [off_value, on_value]");
        }
        if (indices.Shape is not { } shape)
        {
            return [new TensorType(values.ElementType, null)];
        }
        var axis = Shapes.NormalizeAxis(As<OneHotAttributes>(attributes).Axis, shape.Length + 1);
        var extent = depth.Constant is { } d ? Depth(d) : -1;
        return [new TensorType(values.ElementType, [.. shape[..axis], extent, .. shape[axis..]])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<OneHotAttributes>(attributes);
        var indices = Required(inputs, 0, "indices");
        var depth = Depth(Required(inputs, 1, "depth"));
        var values = Required(inputs, 2, "values");
        var axis = Shapes.NormalizeAxis(a.Axis, indices.Rank + 1);
        var (outer, inner) = Split(a, indices.Shape);
        var y = Tensor.Zeros(values.DataType, [.. indices.Shape[..axis], depth, .. indices.Shape[axis..]]);
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var index = (long)indices.GetDouble(o * inner + i);
                index += index < 0 ? depth : 0;
                for (var k = 0; k < depth; k++)
                {
                    y.CopyElement(values, k == index ? 1 : 0, (o * depth + k) * inner + i);
                }
            }
        }
        return [y];
    }

    private static int Depth(Tensor depth)
    {
        var d = depth.Length == 1 ? (long)depth.GetDouble(0) : throw new OperatorException($"depth has shape {Shapes.Format(depth.Shape)}, expected one value");
        return d is > 0 and <= int.MaxValue ? (int)d : throw new OperatorException($"depth {d} must be positive");
    }
}
