using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Gather.</summary>
/// <param name="Axis">Axis of data to index (default 0).</param>
public sealed record GatherAttributes(long Axis) : OperatorAttributes;

/// <summary>ONNX Gather: pick slices of data along an axis by (possibly negative) indices.</summary>
/// <remarks>out[i_0..i_{a-1}, j_0..j_{q-1}, i_{a+1}..] = data[i_0..i_{a-1}, indices[j], i_{a+1}..]</remarks>
public sealed class GatherOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Gather";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new GatherAttributes(attributes.GetInt("axis", 0));

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        if (indices.ElementType is not (DataType.Int32 or DataType.Int64))
        {
            throw new OperatorException($"indices must be int32 or int64, got {indices.ElementType}");
        }
        if (data.Shape is null || indices.Shape is null)
        {
            return [new TensorType(data.ElementType, null)];
        }
        var axis = Shapes.NormalizeAxis(As<GatherAttributes>(attributes).Axis, data.Shape.Length);
        return [new TensorType(data.ElementType, [.. data.Shape[..axis], .. indices.Shape, .. data.Shape[(axis + 1)..]])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var axis = Shapes.NormalizeAxis(As<GatherAttributes>(attributes).Axis, data.Rank);
        int[] shape = [.. data.Shape[..axis], .. indices.Shape, .. data.Shape[(axis + 1)..]];
        var result = Tensor.Zeros(data.DataType, shape);
        var outer = Shapes.ElementCount(data.Shape[..axis]);
        var inner = Shapes.ElementCount(data.Shape[(axis + 1)..]);
        var extent = data.Shape[axis];
        var offset = 0;
        for (var o = 0; o < outer; o++)
        {
            for (var j = 0; j < indices.Length; j++)
            {
                var index = indices.GetInt64(j);
                if (index < -extent || index >= extent)
                {
                    throw new OperatorException($"index {index} is out of range for axis {axis} of size {extent}");
                }
                var i = (int)(index < 0 ? index + extent : index);
                Array.Copy(data.Data, (o * extent + i) * inner, result.Data, offset, inner);
                offset += inner;
            }
        }
        return [result];
    }
}
