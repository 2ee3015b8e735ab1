using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of GatherElements.</summary>
/// <param name="Axis">Axis of data the indices select along (default 0).</param>
public sealed record GatherElementsAttributes(long Axis) : OperatorAttributes;

/// <summary>ONNX GatherElements: each output element reads data at its own position with the axis coordinate replaced by its index.</summary>
/// <remarks>out[i_0..i_{r-1}] = data[i_0..indices[i_0..i_{r-1}]..i_{r-1}] (the index at position axis; negative counts from the end).</remarks>
public sealed class GatherElementsOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "GatherElements";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new GatherElementsAttributes(attributes.GetInt("axis", 0));

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        IndexedAccess.RequireIndexType(indices);
        if (data.Shape is not null && indices.Shape is not null)
        {
            if (data.Shape.Length != indices.Shape.Length)
            {
                throw new OperatorException($"indices have rank {indices.Shape.Length}, data rank {data.Shape.Length}; GatherElements needs them equal");
            }
            Shapes.NormalizeAxis(As<GatherElementsAttributes>(attributes).Axis, data.Shape.Length);
        }
        return [new TensorType(data.ElementType, indices.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var axis = Shapes.NormalizeAxis(As<GatherElementsAttributes>(attributes).Axis, data.Rank);
        var result = Tensor.Zeros(data.DataType, indices.Shape);
        var position = new int[indices.Rank];
        for (var p = 0; p < indices.Length; p++)
        {
            result.CopyElement(data, IndexedAccess.ElementOffset(indices, p, position, axis, data.Shape), p);
            IndexedAccess.Advance(position, indices.Shape);
        }
        return [result];
    }
}
