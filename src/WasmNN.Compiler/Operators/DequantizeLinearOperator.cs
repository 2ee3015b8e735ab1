using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX DequantizeLinear (opset 10+): int8, uint8 or int32 to float32, per tensor, per axis or blocked.</summary>
/// <remarks>y = (x - x_zero_point) * x_scale, the difference formed in int32 and converted to float32 before the product.</remarks>
public sealed class DequantizeLinearOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "DequantizeLinear";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var a = QuantizeLinearOperator.Parse(attributes, opset, opset >= 23 ? "output_dtype" : null);
        return a.OutputType is null or DataType.Float32 ? a : throw new UnsupportedOperatorException($"DequantizeLinear to {a.OutputType} is not supported (float32 is)");
    }

    /// <summary>Scale and zero point configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 1 or 2;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "x");
        var scale = Required(inputs, 1, "x_scale");
        if (x.ElementType is not (DataType.Int8 or DataType.UInt8 or DataType.Int32))
        {
            throw new UnsupportedOperatorException($"DequantizeLinear of {x.ElementType} is not supported (int8, uint8 and int32 are)");
        }
        if (scale.ElementType != DataType.Float32)
        {
            throw new UnsupportedOperatorException($"a {scale.ElementType} scale is not supported (float32 is)");
        }
        Quantization.RequireSameType(Optional(inputs, 2), x.ElementType, "x");
        var a = As<LinearQuantizationAttributes>(attributes);
        if (x.Shape is not null && scale.Shape is not null)
        {
            QuantizationLayout.Of(x.Shape, scale.Shape, a.Axis, a.BlockSize);
        }
        return [new TensorType(DataType.Float32, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<LinearQuantizationAttributes>(attributes);
        var x = Required(inputs, 0, "x");
        var scale = Required(inputs, 1, "x_scale");
        var layout = QuantizationLayout.Of(x.Shape, scale.Shape, a.Axis, a.BlockSize);
        var scales = Quantization.Scales(scale);
        var zeroPoints = Quantization.ZeroPoints(Optional(inputs, 2), scales.Length);
        var y = new float[x.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var p = layout.ParameterIndex(i);
            y[i] = Quantization.Dequantize((int)x.GetInt64(i), scales[p], zeroPoints[p]);
        }
        return [Tensor.FromFloats(x.Shape, y)];
    }
}
