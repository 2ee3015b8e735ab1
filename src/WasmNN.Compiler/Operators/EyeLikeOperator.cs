using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of EyeLike.</summary>
/// <param name="DataType">ONNX 'dtype', or null for the input's type.</param>
/// <param name="K">ONNX 'k': the diagonal (0 main, positive above, negative below).</param>
public sealed record EyeLikeAttributes(DataType? DataType, long K) : OperatorAttributes;

/// <summary>ONNX EyeLike (opset 9): a 2-D tensor shaped like the input with ones on diagonal k, zeros elsewhere.</summary>
/// <remarks>Only the input's shape is read, so a static shape makes the result a constant (FoldConstants computes it).</remarks>
public sealed class EyeLikeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "EyeLike";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        DataType? type = null;
        if (attributes.Has("dtype"))
        {
            var code = attributes.GetInt("dtype", 0);
            type = OnnxDataTypes.FromOnnx((int)code) ?? throw new UnsupportedOperatorException($"EyeLike to ONNX data type {code} is not supported");
        }
        return new EyeLikeAttributes(type, attributes.GetInt("k", 0));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (x.Shape is { Length: not 2 } shape)
        {
            throw new OperatorException($"input has shape {Shapes.Format(shape)}; EyeLike needs a 2-D tensor");
        }
        return [new TensorType(As<EyeLikeAttributes>(attributes).DataType ?? x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return [Eye(As<EyeLikeAttributes>(attributes), x.DataType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[]? TryEvaluateFromShapes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        return x.Shape is { Length: 2 } shape && Shapes.IsStatic(shape) ? [Eye(As<EyeLikeAttributes>(attributes), x.ElementType, shape)] : null;
    }

    private static Tensor Eye(EyeLikeAttributes a, DataType inputType, int[] shape)
    {
        var y = Tensor.Zeros(a.DataType ?? inputType, shape);
        for (var i = 0; i < shape[0]; i++)
        {
            var j = i + a.K;
            if (j >= 0 && j < shape[1])
            {
                y.SetDouble(i * shape[1] + (int)j, 1);
            }
        }
        return y;
    }
}
