using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of LpNormalization.</summary>
/// <param name="Axis">ONNX 'axis' (default -1).</param>
/// <param name="P">ONNX 'p': 1 or 2 (default 2).</param>
public sealed record LpNormalizationAttributes(long Axis, int P) : OperatorAttributes;

/// <summary>ONNX LpNormalization: each vector along the axis divided by its L1 or L2 norm (a zero vector gives NaN, as 0/0).</summary>
public sealed class LpNormalizationOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "LpNormalization";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var p = attributes.GetInt("p", 2);
        return p is 1 or 2 ? new LpNormalizationAttributes(attributes.GetInt("axis", -1), (int)p)
            : throw new OperatorException($"attribute 'p' is {p}; LpNormalization defines 1 and 2");
    }

    /// <summary>The input viewed as [outer, length, inner] around the axis.</summary>
    public static (int Outer, int Length, int Inner) Split(LpNormalizationAttributes a, int[] shape)
    {
        var axis = Shapes.NormalizeAxis(a.Axis, shape.Length);
        return (Shapes.ElementCount(shape[..axis]), shape[axis], Shapes.ElementCount(shape[(axis + 1)..]));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (!x.ElementType.IsFloat())
        {
            throw new OperatorException($"input is {x.ElementType}; LpNormalization needs floats");
        }
        if (x.Shape is { } shape)
        {
            Split(As<LpNormalizationAttributes>(attributes), shape);
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<LpNormalizationAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var (outer, length, inner) = Split(a, x.Shape);
        var y = Tensor.Zeros(x.DataType, x.Shape);
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var norm = 0.0;
                for (var k = 0; k < length; k++)
                {
                    var v = x.GetDouble((o * length + k) * inner + i);
                    norm += a.P == 1 ? Math.Abs(v) : v * v;
                }
                norm = a.P == 1 ? norm : Math.Sqrt(norm);
                for (var k = 0; k < length; k++)
                {
                    var at = (o * length + k) * inner + i;
                    y.SetDouble(at, x.GetDouble(at) / norm);
                }
            }
        }
        return [y];
    }
}
