using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Where each element of a tensor finds its scale and zero point: one pair for the whole tensor, one per index
/// along an axis, or (opset 21 blocked quantization) one per block of <see cref="Block"/> indices along the axis
/// and per position elsewhere.
/// </summary>
/// <remarks>
/// The tensor is seen as [<see cref="Outer"/>, <see cref="AxisLength"/>, <see cref="Inner"/>]; element (o, c, i)
/// uses parameter <c>o * OuterStride + (c / Block) * AxisStride + i * InnerStride</c>.
/// </remarks>
/// <param name="Outer">Product of the dimensions before the axis.</param>
/// <param name="AxisLength">Length of the axis.</param>
/// <param name="Inner">Product of the dimensions after the axis.</param>
/// <param name="Block">Axis indices that share a parameter (1 per axis, the axis length per tensor).</param>
/// <param name="OuterStride">Parameter stride of the outer index.</param>
/// <param name="AxisStride">Parameter stride of the block index.</param>
/// <param name="InnerStride">Parameter stride of the inner index.</param>
public readonly record struct QuantizationLayout(int Outer, int AxisLength, int Inner, int Block, int OuterStride, int AxisStride, int InnerStride)
{
    /// <summary>True when one scale and zero point serve every element.</summary>
    public bool PerTensor => OuterStride == 0 && AxisStride == 0 && InnerStride == 0;

    /// <summary>The parameter index of flat element <paramref name="index"/>.</summary>
    public int ParameterIndex(int index)
    {
        int inner = index % Inner, rest = index / Inner, axis = rest % AxisLength, outer = rest / AxisLength;
        return outer * OuterStride + axis / Block * AxisStride + inner * InnerStride;
    }

    /// <summary>
    /// The layout of parameters of shape <paramref name="parameter"/> for a tensor of shape <paramref name="shape"/>:
    /// per tensor (a scalar or one element), per axis (1-D of the axis length) or blocked (same rank, the axis
    /// dimension ceil(length / <paramref name="blockSize"/>)).
    /// </summary>
    /// <exception cref="OperatorException">The parameter shape fits none of these.</exception>
    public static QuantizationLayout Of(int[] shape, int[] parameter, long axis, long blockSize)
    {
        var count = Shapes.ElementCount(parameter);
        var total = Shapes.ElementCount(shape);
        if (count == 1 && blockSize == 0)
        {
            return new QuantizationLayout(1, 1, Math.Max(total, 1), 1, 0, 0, 0);
        }
        var rank = shape.Length;
        if (axis < -rank || axis >= rank)
        {
            throw new OperatorException($"axis {axis} is out of range for rank {rank}");
        }
        var a = (int)(axis < 0 ? axis + rank : axis);
        int outer = Shapes.ElementCount(shape[..a]), length = shape[a], inner = Shapes.ElementCount(shape[(a + 1)..]);
        if (blockSize <= 0)
        {
            if (parameter.Length != 1 || parameter[0] != length)
            {
                throw new OperatorException($"per-axis scale {Shapes.Format(parameter)} must be 1-D of length {length} (axis {a} of {Shapes.Format(shape)})");
            }
            return new QuantizationLayout(outer, length, inner, 1, 0, 1, 0);
        }
        var blocks = (int)((length + blockSize - 1) / blockSize);
        int[] expected = [.. shape[..a], blocks, .. shape[(a + 1)..]];
        if (!parameter.AsSpan().SequenceEqual(expected))
        {
            throw new OperatorException($"blocked scale {Shapes.Format(parameter)} must have shape {Shapes.Format(expected)} (block size {blockSize} on axis {a})");
        }
        return new QuantizationLayout(outer, length, inner, (int)blockSize, blocks * inner, inner, 1);
    }
}

/// <summary>
/// The arithmetic of ONNX linear quantization as onnxruntime's MLAS does it, in float32: divide (or multiply by the
/// requantization scale), clamp to the target range shifted by the zero point, round half to even, add the zero
/// point. The kernels emit the same steps, so the reference and the wasm agree bit for bit.
/// </summary>
public static class Quantization
{
    /// <summary>The representable range of a quantized type.</summary>
    /// <exception cref="OperatorException">Not an integer type quantization supports.</exception>
    public static (int Min, int Max) Range(DataType type) => type switch
    {
        DataType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DataType.UInt8 => (byte.MinValue, byte.MaxValue),
        DataType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new UnsupportedOperatorException($"quantized type {type} is not supported (int8, uint8 and int32 are)"),
    };

    /// <summary>The element of <paramref name="type"/> nearest <paramref name="value"/> after rounding half to even, with the zero point added.</summary>
    public static int Saturate(float value, int zeroPoint, DataType type)
    {
        var (min, max) = Range(type);
        var clamped = MathF.Min(MathF.Max(value, (float)((long)min - zeroPoint)), (float)((long)max - zeroPoint));
        // NaN converts to 0 as i32.trunc_sat does.
        var rounded = float.IsNaN(clamped) ? 0 : MathF.Round(clamped, MidpointRounding.ToEven);
        return (int)Math.Clamp((long)rounded + zeroPoint, min, max);
    }

    /// <summary>QuantizeLinear of one element: saturate(round(x / scale) + zero point).</summary>
    public static int Quantize(float x, float scale, int zeroPoint, DataType type) => Saturate(x / scale, zeroPoint, type);

    /// <summary>DequantizeLinear of one element: (x - zero point) * scale.</summary>
    public static float Dequantize(int x, float scale, int zeroPoint) => (float)(x - zeroPoint) * scale;

    /// <summary>An integer accumulator brought to the output's scale: saturate(round(acc * multiplier) + zero point).</summary>
    public static int Requantize(int accumulator, float multiplier, int zeroPoint, DataType type) => Saturate((float)accumulator * multiplier, zeroPoint, type);

    /// <summary>The per-channel requantization multipliers input_scale * weight_scale[c] / output_scale, as onnxruntime forms them.</summary>
    public static float[] Multipliers(float inputScale, float[] weightScales, float outputScale) =>
        [.. weightScales.Select(s => inputScale * s / outputScale)];

    /// <summary>The elements of a scale tensor (float32 only).</summary>
    /// <exception cref="UnsupportedOperatorException">The scale is not float32.</exception>
    public static float[] Scales(Tensor scale) => scale.DataType == DataType.Float32
        ? scale.AsFloat32()
        : throw new UnsupportedOperatorException($"a {scale.DataType} scale is not supported (float32 is)");

    /// <summary>The elements of a zero-point tensor as int32, or <paramref name="count"/> zeros when it is absent.</summary>
    public static int[] ZeroPoints(Tensor? zeroPoint, int count) => zeroPoint is null
        ? new int[count]
        : [.. Enumerable.Range(0, zeroPoint.Length).Select(i => (int)zeroPoint.GetInt64(i))];

    /// <summary>Checks a zero point's type against the quantized tensor's.</summary>
    /// <exception cref="OperatorException">They differ.</exception>
    public static void RequireSameType(Value? zeroPoint, DataType type, string what)
    {
        if (zeroPoint is not null && zeroPoint.ElementType != type)
        {
            throw new OperatorException($"{what} zero point is {zeroPoint.ElementType} but the tensor is {type}");
        }
    }

    /// <summary>Checks that an input is an 8-bit integer tensor.</summary>
    /// <exception cref="OperatorException">It is not.</exception>
    public static void RequireEightBit(Value value, string what)
    {
        if (value.ElementType is not (DataType.Int8 or DataType.UInt8))
        {
            throw new OperatorException($"{what} must be int8 or uint8, got {value.ElementType}");
        }
    }
}
