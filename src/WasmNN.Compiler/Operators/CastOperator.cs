using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Cast.</summary>
/// <param name="To">Target element type.</param>
public sealed record CastAttributes(DataType To) : OperatorAttributes;

/// <summary>ONNX Cast: convert elements to another type (float to integer truncates toward zero; strings as <see cref="StringNumbers"/> says).</summary>
public sealed class CastOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Cast";

    /// <inheritdoc/>
    public override int MinOpset => 6;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Elementwise;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var to = attributes.GetInt("to", -1);
        return new CastAttributes(OnnxDataTypes.FromOnnx((int)to) ?? throw new UnsupportedOperatorException($"Cast to ONNX data type {to} is not supported"));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [new TensorType(As<CastAttributes>(attributes).To, Required(inputs, 0, "input").Shape)];

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [Convert(Required(inputs, 0, "input"), As<CastAttributes>(attributes).To)];

    /// <summary>The elements of <paramref name="x"/> as <paramref name="to"/> (shared with CastLike).</summary>
    /// <exception cref="OperatorException">A string that is not a numeric literal cast to a number.</exception>
    public static Tensor Convert(Tensor x, DataType to)
    {
        var y = Tensor.Zeros(to, x.Shape);
        if (to == DataType.String)
        {
            var strings = y.AsStrings();
            for (var i = 0; i < x.Length; i++)
            {
                strings[i] = x.DataType == DataType.String ? x.AsStrings()[i] : StringNumbers.Format(x, i);
            }
            return y;
        }
        if (x.DataType == DataType.String)
        {
            for (var i = 0; i < x.Length; i++)
            {
                var text = x.AsStrings()[i];
                y.SetDouble(i, to == DataType.Float32 ? StringNumbers.ParseSingle(text) : StringNumbers.Parse(text));
            }
            return y;
        }
        for (var i = 0; i < x.Length; i++)
        {
            // uint64 reads as a double when it becomes a float (as an int64 it would turn negative from 2^63).
            if (x.DataType.IsFloat() || x.DataType == DataType.UInt64 && to.IsFloat())
            {
                y.SetDouble(i, x.GetDouble(i));
            }
            else
            {
                y.SetInt64(i, x.GetInt64(i));
            }
        }
        return y;
    }
}
