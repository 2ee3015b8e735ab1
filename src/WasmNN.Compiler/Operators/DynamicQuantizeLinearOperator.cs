using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX DynamicQuantizeLinear (opset 11): float32 to uint8 with the scale and zero point of the data's range.</summary>
/// <remarks>
/// With lo = min(0, min x) and hi = max(0, max x): scale = (hi == lo ? 1 : hi - lo) / 255, zero point =
/// round_half_even(clamp(-lo / scale, 0, 255)), y = QuantizeLinear(x, scale, zero point), as onnxruntime computes them.
/// </remarks>
public sealed class DynamicQuantizeLinearOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "DynamicQuantizeLinear";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "x");
        if (x.ElementType != DataType.Float32)
        {
            throw new UnsupportedOperatorException($"DynamicQuantizeLinear of {x.ElementType} is not supported (float32 is)");
        }
        return [new TensorType(DataType.UInt8, x.Shape), new TensorType(DataType.Float32, []), new TensorType(DataType.UInt8, [])];
    }

    /// <summary>The scale and zero point of a range (shared with the kernel's tests).</summary>
    public static (float Scale, int ZeroPoint) Parameters(float min, float max)
    {
        float lo = MathF.Min(0, min), hi = MathF.Max(0, max);
        var scale = (hi == lo ? 1f : hi - lo) / 255f;
        var zeroPoint = MathF.Round(Math.Clamp(0f - lo / scale, 0f, 255f), MidpointRounding.ToEven);
        return (scale, (int)zeroPoint);
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "x").AsFloat32();
        var shape = inputs[0]!.Shape;
        var (scale, zeroPoint) = Parameters(x.Length == 0 ? 0 : x.Min(), x.Length == 0 ? 0 : x.Max());
        var y = new byte[x.Length];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = (byte)Quantization.Quantize(x[i], scale, zeroPoint, DataType.UInt8);
        }
        return [new Tensor(DataType.UInt8, shape, y), Tensor.Scalar(scale), new Tensor(DataType.UInt8, [], new[] { (byte)zeroPoint })];
    }
}
