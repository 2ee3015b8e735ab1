using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>How ScatterND combines an update with the element it lands on.</summary>
public enum ScatterReduction
{
    /// <summary>The update replaces the element.</summary>
    None,
    /// <summary>element + update (opset 16).</summary>
    Add,
    /// <summary>element * update (opset 16).</summary>
    Mul,
    /// <summary>max(element, update) (opset 18).</summary>
    Max,
    /// <summary>min(element, update) (opset 18).</summary>
    Min,
}

/// <summary>Attributes of ScatterND.</summary>
/// <param name="Reduction">How updates combine with the data (default none).</param>
public sealed record ScatterNDAttributes(ScatterReduction Reduction) : OperatorAttributes;

/// <summary>ONNX ScatterND: a copy of data with the slices named by index tuples replaced (or combined) by updates.</summary>
/// <remarks>
/// output = data; for each tuple position I: output[indices[I, 0..k-1], S] = f(output[...], updates[I, S]), applied
/// in the order of I (so with reduction none a repeated index keeps the last update).
/// </remarks>
public sealed class ScatterNDOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "ScatterND";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new ScatterNDAttributes(ParseReduction(attributes, opset));

    /// <summary>The 'reduction' attribute of ScatterND and ScatterElements at <paramref name="opset"/>.</summary>
    internal static ScatterReduction ParseReduction(AttributeBag attributes, int opset)
    {
        var name = attributes.GetString("reduction", "none");
        var reduction = name switch
        {
            "none" => ScatterReduction.None,
            "add" when opset >= 16 => ScatterReduction.Add,
            "mul" when opset >= 16 => ScatterReduction.Mul,
            "max" when opset >= 18 => ScatterReduction.Max,
            "min" when opset >= 18 => ScatterReduction.Min,
            _ => throw new OperatorException($"reduction '{name}' is not defined at opset {opset}"),
        };
        return reduction;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var (data, indices, updates) = Operands(inputs);
        if (data.Shape is { } d && indices.Shape is { } i && updates.Shape is { } u && Shapes.IsStatic(i))
        {
            var k = i.Length == 0 ? 0 : i[^1];
            if (i.Length < 1 || k < 1 || k > d.Length)
            {
                throw new OperatorException($"indices {Shapes.Format(i)} do not hold index tuples into data {Shapes.Format(d)}");
            }
            int[] expected = [.. i[..^1], .. d[k..]];
            if (Shapes.IsStatic(d) && Shapes.IsStatic(u) && !Shapes.AreEqual(expected, u))
            {
                throw new OperatorException($"updates have shape {Shapes.Format(u)}, expected {Shapes.Format(expected)}");
            }
        }
        return [new TensorType(data.ElementType, data.Shape)];
    }

    /// <summary>data, indices and updates of ScatterND or ScatterElements, with their element types checked.</summary>
    internal static (Value Data, Value Indices, Value Updates) Operands(IReadOnlyList<Value?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var updates = Required(inputs, 2, "updates");
        IndexedAccess.RequireIndexType(indices);
        return updates.ElementType == data.ElementType ? (data, indices, updates)
            : throw new OperatorException($"updates are {updates.ElementType}, data {data.ElementType}");
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var data = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var updates = Required(inputs, 2, "updates");
        var reduction = As<ScatterNDAttributes>(attributes).Reduction;
        var result = new Tensor(data.DataType, data.Shape, (Array)data.Data.Clone());
        var k = indices.Shape[^1];
        var slice = Shapes.ElementCount(data.Shape[k..]);
        var tuples = Shapes.ElementCount(indices.Shape[..^1]);
        var isFloat = data.DataType.IsFloat();
        for (var t = 0; t < tuples; t++)
        {
            var offset = IndexedAccess.TupleOffset(indices, t, data.Shape, 0);
            for (var e = 0; e < slice; e++)
            {
                var at = offset + e;
                var from = t * slice + e;
                if (reduction == ScatterReduction.None)
                {
                    result.CopyElement(updates, from, at);
                }
                else if (isFloat)
                {
                    result.SetDouble(at, Combine(reduction, result.GetDouble(at), updates.GetDouble(from)));
                }
                else
                {
                    result.SetInt64(at, Combine(reduction, result.GetInt64(at), updates.GetInt64(from)));
                }
            }
        }
        return [result];
    }

    /// <summary>An element combined with an update (reduction other than none).</summary>
    internal static double Combine(ScatterReduction reduction, double a, double b) => reduction switch
    {
        ScatterReduction.Add => a + b,
        ScatterReduction.Mul => a * b,
        ScatterReduction.Max => Math.Max(a, b),
        _ => Math.Min(a, b),
    };

    /// <summary>An integer element combined with an update (reduction other than none).</summary>
    internal static long Combine(ScatterReduction reduction, long a, long b) => reduction switch
    {
        ScatterReduction.Add => a + b,
        ScatterReduction.Mul => a * b,
        ScatterReduction.Max => Math.Max(a, b),
        _ => Math.Min(a, b),
    };
}
