using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Shared inference and evaluation of GlobalAveragePool, GlobalMaxPool and GlobalLpPool: reduce every spatial dimension to 1.</summary>
public abstract class GlobalPoolOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Reduction;

    /// <summary>Combines one plane's values.</summary>
    protected abstract double Reduce(OperatorAttributes attributes, ReadOnlySpan<double> plane);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Shape is { Length: < 2 })
        {
            throw new OperatorException($"input {Shapes.Format(x.Shape)} must be N x C x spatial");
        }
        return [new TensorType(x.ElementType, x.Shape is null ? null : [x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1, x.Shape.Length - 2)])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var planes = x.Shape[0] * x.Shape[1];
        var size = planes == 0 ? 0 : x.Length / planes;
        var values = x.ToDoubleArray();
        var result = new double[planes];
        for (var p = 0; p < planes; p++)
        {
            result[p] = Reduce(attributes, values.AsSpan(p * size, size));
        }
        return [Tensor.FromDoubles(x.DataType, [x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1, x.Rank - 2)], result)];
    }
}
