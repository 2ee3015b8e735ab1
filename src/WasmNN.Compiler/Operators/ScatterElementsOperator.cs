using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ScatterElements and Scatter.</summary>
/// <param name="Axis">Axis of data the indices select along (default 0).</param>
/// <param name="Reduction">How updates combine with the data (default none; opset 16+ for add/mul, 18+ for max/min).</param>
public sealed record ScatterElementsAttributes(long Axis, ScatterReduction Reduction) : OperatorAttributes;

/// <summary>ONNX ScatterElements (opset 11): the inverse of GatherElements, a copy of data with elements replaced by updates.</summary>
/// <remarks>
/// output = data; for each position p of indices (row-major): output[p with axis coordinate indices[p]] =
/// f(that element, updates[p]); with reduction none a repeated index keeps the last update.
/// </remarks>
public class ScatterElementsOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "ScatterElements";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ScatterElementsAttributes(attributes.GetInt("axis", 0), ScatterNDOperator.ParseReduction(attributes, opset));

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var (data, indices, updates) = ScatterNDOperator.Operands(inputs);
        if (data.Shape is { } d && indices.Shape is { } i)
        {
            if (d.Length != i.Length)
            {
                throw new OperatorException($"indices have rank {i.Length}, data rank {d.Length}; {OpType} needs them equal");
            }
            Shapes.NormalizeAxis(As<ScatterElementsAttributes>(attributes).Axis, d.Length);
            if (updates.Shape is { } u && Shapes.IsStatic(u) && Shapes.IsStatic(i) && !Shapes.AreEqual(u, i))
            {
                throw new OperatorException($"updates have shape {Shapes.Format(u)}, indices {Shapes.Format(i)}; they must be equal");
            }
        }
        return [new TensorType(data.ElementType, data.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var updates = Required(inputs, 2, "updates");
        var a = As<ScatterElementsAttributes>(attributes);
        var axis = Shapes.NormalizeAxis(a.Axis, data.Rank);
        var result = new Tensor(data.DataType, data.Shape, (Array)data.Data.Clone());
        var position = new int[indices.Rank];
        for (var p = 0; p < indices.Length; p++)
        {
            var at = IndexedAccess.ElementOffset(indices, p, position, axis, data.Shape);
            if (a.Reduction == ScatterReduction.None)
            {
                result.CopyElement(updates, p, at);
            }
            else if (data.DataType.IsFloat())
            {
                result.SetDouble(at, ScatterNDOperator.Combine(a.Reduction, result.GetDouble(at), updates.GetDouble(p)));
            }
            else
            {
                result.SetInt64(at, ScatterNDOperator.Combine(a.Reduction, result.GetInt64(at), updates.GetInt64(p)));
            }
            IndexedAccess.Advance(position, indices.Shape);
        }
        return [result];
    }
}

/// <summary>ONNX Scatter (opsets 9-10): the former name of ScatterElements, without reductions.</summary>
public sealed class ScatterOperator : ScatterElementsOperator
{
    /// <inheritdoc/>
    public override string OpType => "Scatter";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override int MaxOpset => 10;
}
