using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Hardmax.</summary>
/// <param name="Axis">ONNX 'axis' (default 1 before opset 13, -1 from 13).</param>
/// <param name="Coerce2D">Before opset 13: the input is viewed as 2-D [prod(dims before axis), prod(the rest)].</param>
public sealed record HardmaxAttributes(long Axis, bool Coerce2D) : OperatorAttributes;

/// <summary>ONNX Hardmax: 1 at the first maximum along the axis, 0 elsewhere.</summary>
/// <remarks>Opsets 1-12 take the maximum over everything from the axis on (the 2-D coercion of Softmax-1).</remarks>
public sealed class HardmaxOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Hardmax";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new HardmaxAttributes(attributes.GetInt("axis", opset < 13 ? 1 : -1), opset < 13);

    /// <summary>The input viewed as [outer, length, inner] with the maximum taken along length.</summary>
    public static (int Outer, int Length, int Inner) Split(HardmaxAttributes a, int[] shape)
    {
        var axis = Shapes.NormalizeAxis(a.Axis, shape.Length);
        var outer = Shapes.ElementCount(shape[..axis]);
        return a.Coerce2D ? (outer, Shapes.ElementCount(shape[axis..]), 1) : (outer, shape[axis], Shapes.ElementCount(shape[(axis + 1)..]));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (x.Shape is { } shape)
        {
            Split(As<HardmaxAttributes>(attributes), shape);
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var (outer, length, inner) = Split(As<HardmaxAttributes>(attributes), x.Shape);
        var y = Tensor.Zeros(x.DataType, x.Shape);
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var best = 0;
                for (var k = 1; k < length; k++)
                {
                    if (x.GetDouble((o * length + k) * inner + i) > x.GetDouble((o * length + best) * inner + i))
                    {
                        best = k;
                    }
                }
                if (length > 0)
                {
                    y.SetDouble((o * length + best) * inner + i, 1);
                }
            }
        }
        return [y];
    }
}
