using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Softmax and LogSoftmax.</summary>
/// <param name="Axis">The axis (default 1 before opset 13, -1 from 13).</param>
/// <param name="CoerceTo2D">Before opset 13 the input is viewed as 2-D [prod(d[..axis]), prod(d[axis..])].</param>
public sealed record SoftmaxAttributes(long Axis, bool CoerceTo2D) : OperatorAttributes;

/// <summary>Shared normalisation of Softmax and LogSoftmax, including the pre-13 "coerce to 2-D" semantics.</summary>
public abstract class SoftmaxBase : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SoftmaxAttributes(attributes.GetInt("axis", opset < 13 ? 1 : -1), opset < 13);

    /// <summary>Output for one row, given its maximum and sum of exp(x - max).</summary>
    protected abstract double Normalize(double x, double max, double sumExp);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (x.Shape is not null)
        {
            Shapes.NormalizeAxis(As<SoftmaxAttributes>(attributes).Axis, x.Shape.Length);
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<SoftmaxAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var axis = Shapes.NormalizeAxis(a.Axis, x.Rank);
        // Rows of length n with stride `inner`; coerced 2-D view makes each row contiguous.
        int outer, n, inner;
        if (a.CoerceTo2D)
        {
            (outer, n, inner) = (Shapes.ElementCount(x.Shape[..axis]), Shapes.ElementCount(x.Shape[axis..]), 1);
        }
        else
        {
            (outer, n, inner) = (Shapes.ElementCount(x.Shape[..axis]), x.Shape[axis], Shapes.ElementCount(x.Shape[(axis + 1)..]));
        }
        var values = x.ToDoubleArray();
        var y = new double[values.Length];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var start = o * n * inner + i;
                var max = double.NegativeInfinity;
                for (var k = 0; k < n; k++)
                {
                    max = Math.Max(max, values[start + k * inner]);
                }
                var sum = 0.0;
                for (var k = 0; k < n; k++)
                {
                    sum += Math.Exp(values[start + k * inner] - max);
                }
                for (var k = 0; k < n; k++)
                {
                    y[start + k * inner] = Normalize(values[start + k * inner], max, sum);
                }
            }
        }
        return [Tensor.FromDoubles(x.DataType, x.Shape, y)];
    }
}
