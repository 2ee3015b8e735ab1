using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of QuantizeLinear and DequantizeLinear.</summary>
/// <param name="Axis">The per-axis or blocked axis (default 1; ignored per tensor).</param>
/// <param name="BlockSize">Opset 21 blocked quantization: axis indices per scale (0 = per axis or per tensor).</param>
/// <param name="OutputType">QuantizeLinear opset 21 output_dtype when there is no zero point (null = uint8).</param>
public sealed record LinearQuantizationAttributes(long Axis, long BlockSize, DataType? OutputType) : OperatorAttributes;

/// <summary>ONNX QuantizeLinear (opset 10+): float32 or int32 to int8/uint8, per tensor, per axis or blocked.</summary>
/// <remarks>y = saturate(round_half_even(x / y_scale) + y_zero_point); without a zero point y is uint8 (or output_dtype) with zero point 0.</remarks>
public sealed class QuantizeLinearOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "QuantizeLinear";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => Parse(attributes, opset, "output_dtype");

    /// <summary>The attributes shared with DequantizeLinear (whose opset 23 output_dtype names a float type).</summary>
    internal static LinearQuantizationAttributes Parse(AttributeBag attributes, int opset, string? outputTypeAttribute)
    {
        var code = outputTypeAttribute is null ? 0 : attributes.GetInt(outputTypeAttribute, 0);
        DataType? outputType = code == 0 ? null : OnnxDataTypes.FromOnnx((int)code) ?? throw new UnsupportedOperatorException($"output_dtype {code} is not supported");
        var blockSize = opset >= 21 ? attributes.GetInt("block_size", 0) : 0;
        if (blockSize < 0)
        {
            throw new OperatorException($"block_size must not be negative, got {blockSize}");
        }
        return new LinearQuantizationAttributes(opset >= 13 ? attributes.GetInt("axis", 1) : 1, blockSize, outputType);
    }

    /// <summary>Scale and zero point configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 1 or 2;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "x");
        var scale = Required(inputs, 1, "y_scale");
        var zeroPoint = Optional(inputs, 2);
        if (x.ElementType is not (DataType.Float32 or DataType.Int32))
        {
            throw new UnsupportedOperatorException($"QuantizeLinear of {x.ElementType} is not supported (float32 and int32 are)");
        }
        if (scale.ElementType != DataType.Float32)
        {
            throw new UnsupportedOperatorException($"a {scale.ElementType} scale is not supported (float32 is)");
        }
        var a = As<LinearQuantizationAttributes>(attributes);
        var type = zeroPoint?.ElementType ?? a.OutputType ?? DataType.UInt8;
        if (type is not (DataType.Int8 or DataType.UInt8))
        {
            throw new UnsupportedOperatorException($"QuantizeLinear to {type} is not supported (int8 and uint8 are)");
        }
        if (x.Shape is not null && scale.Shape is not null)
        {
            QuantizationLayout.Of(x.Shape, scale.Shape, a.Axis, a.BlockSize);
        }
        return [new TensorType(type, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<LinearQuantizationAttributes>(attributes);
        var x = Required(inputs, 0, "x");
        var scale = Required(inputs, 1, "y_scale");
        var zeroPoint = Optional(inputs, 2);
        var type = zeroPoint?.DataType ?? a.OutputType ?? DataType.UInt8;
        var layout = QuantizationLayout.Of(x.Shape, scale.Shape, a.Axis, a.BlockSize);
        var scales = Quantization.Scales(scale);
        var zeroPoints = Quantization.ZeroPoints(zeroPoint, scales.Length);
        var y = Tensor.Zeros(type, x.Shape);
        for (var i = 0; i < x.Length; i++)
        {
            var p = layout.ParameterIndex(i);
            y.SetInt64(i, Quantization.Quantize((float)x.GetDouble(i), scales[p], zeroPoints[p], type));
        }
        return [y];
    }
}
