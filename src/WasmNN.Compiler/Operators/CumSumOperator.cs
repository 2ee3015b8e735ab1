using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of CumSum.</summary>
/// <param name="Exclusive">Each output excludes its own element (the first is 0).</param>
/// <param name="Reverse">Sum from the end of the axis towards the start.</param>
public sealed record CumSumAttributes(bool Exclusive, bool Reverse) : OperatorAttributes;

/// <summary>ONNX CumSum: running sums along the axis given by input 1 (a constant scalar), in the input's type.</summary>
public sealed class CumSumOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "CumSum";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new CumSumAttributes(attributes.GetInt("exclusive", 0) != 0, attributes.GetInt("reverse", 0) != 0);

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <summary>The input as [outer, axis length, inner], the axis read from the constant <paramref name="axis"/>.</summary>
    public static (int Outer, int Length, int Inner) Split(int[] shape, Tensor axis)
    {
        if (axis.Length != 1)
        {
            throw new OperatorException($"axis must be a scalar, got shape {Shapes.Format(axis.Shape)}");
        }
        var d = Shapes.NormalizeAxis(axis.GetInt64(0), shape.Length);
        return (Shapes.ElementCount(shape[..d]), shape[d], Shapes.ElementCount(shape[(d + 1)..]));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "x");
        if (Required(inputs, 1, "axis").ElementType is not (DataType.Int32 or DataType.Int64))
        {
            throw new OperatorException("axis must be int32 or int64");
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<CumSumAttributes>(attributes);
        var x = Required(inputs, 0, "x");
        var (outer, length, inner) = Split(x.Shape, Required(inputs, 1, "axis"));
        var y = Tensor.Zeros(x.DataType, x.Shape);
        var isFloat = x.DataType is DataType.Float32 or DataType.Float64;
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                double floatSum = 0;
                long intSum = 0;
                for (var step = 0; step < length; step++)
                {
                    var k = a.Reverse ? length - 1 - step : step;
                    var index = ((o * length) + k) * inner + i;
                    if (!a.Exclusive)
                    {
                        floatSum += isFloat ? x.GetDouble(index) : 0;
                        intSum += isFloat ? 0 : x.GetInt64(index);
                    }
                    if (isFloat)
                    {
                        y.SetDouble(index, floatSum);
                    }
                    else
                    {
                        y.SetInt64(index, intSum);
                    }
                    if (a.Exclusive)
                    {
                        floatSum += isFloat ? x.GetDouble(index) : 0;
                        intSum += isFloat ? 0 : x.GetInt64(index);
                    }
                }
            }
        }
        return [y];
    }
}
