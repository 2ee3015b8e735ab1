using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The arithmetic every quantized kernel ends with, emitted as <see cref="Quantization.Saturate"/> computes it:
/// round half to even (f32.nearest), add the zero point, saturate to the type's range.
/// </summary>
internal static class QuantizedArithmetic
{
    /// <summary>Past this magnitude every 8-bit result saturates; clamping first keeps the zero point's addition from overflowing i32.</summary>
    private const float Bound = 1 << 20;

    /// <summary>Replaces the f32 on the stack by the i32 saturate(round(value) + zero point), the zero point pushed by <paramref name="pushZeroPoint"/>.</summary>
    public static void RoundAndSaturate(FunctionBuilder w, Action pushZeroPoint, DataType type)
    {
        var (min, max) = Quantization.Range(type);
        w.F32(-Bound).Op(Opcode.F32Max).F32(Bound).Op(Opcode.F32Min).Op(Opcode.F32Nearest).Op(Opcode.I32TruncSatF32S);
        pushZeroPoint();
        w.Op(Opcode.I32Add);
        var sum = w.Local(ValueType.I32);
        w.Set(sum);
        w.MaxI32(() => w.MinI32(() => w.Get(sum), () => w.I32(max)), () => w.I32(min));
    }

    /// <summary>Places int32 parameters (zero points, biases) as a table; returns its address.</summary>
    public static int Table(LoweringContext context, string key, int[] values) =>
        context.AddBytes(key, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>The constant tensor of an input the operator requires constant, or null when the optional input is absent.</summary>
    public static Tensor? ConstantInput(Node node, int index) =>
        index < node.Inputs.Count && node.Inputs[index] is { } value ? value.Constant : null;

    /// <summary>Why the node cannot be lowered when one of the inputs that configure it is not a constant, else null.</summary>
    public static string? RequireConstants(Node node)
    {
        for (var i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { IsConstant: false } input && node.Operator.RequiresConstantInput(node.Attributes, i))
            {
                return $"input {i} ('{input.Name}') must be a constant (scales, zero points and biases are compiled into the kernel)";
            }
        }
        return null;
    }
}

/// <summary>
/// QuantizeLinear and DequantizeLinear: one pass over the elements with the scale and zero point compiled in (per
/// tensor) or read from tables indexed by each element's <see cref="QuantizationLayout"/> position (per axis, blocked).
/// </summary>
internal sealed class LinearQuantizationKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["QuantizeLinear", "DequantizeLinear"];

    // A scale and zero point per tensor may also be computed at run time (DynamicQuantizeLinear's expansion).
    public string? Unsupported(Node node) =>
        node.Inputs.Skip(1).All(p => p is null || p.Shape is { } shape && Shapes.ElementCount(shape) == 1) ? null : QuantizedArithmetic.RequireConstants(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = (LinearQuantizationAttributes)node.Attributes;
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var scale = node.Inputs[1]!;
        var zero = node.Inputs.Count > 2 ? node.Inputs[2] : null;
        var layout = QuantizationLayout.Of(x.Shape!, scale.Shape!, a.Axis, a.BlockSize);
        Action<uint> pushScale, pushZeroPoint;
        if (!scale.IsConstant || zero is { IsConstant: false })
        {
            // Per tensor, read once from their buffers before the loop.
            var (scaleLocal, zeroLocal) = (w.Local(ValueType.F32), w.Local(ValueType.I32));
            w.I32(context.Address(scale)).Memory(Opcode.F32Load).Set(scaleLocal);
            if (zero is null)
            {
                w.I32(0);
            }
            else
            {
                w.I32(context.Address(zero));
                ElementAccess.Load(w, zero.ElementType);
            }
            w.Set(zeroLocal);
            pushScale = _ => w.Get(scaleLocal);
            pushZeroPoint = _ => w.Get(zeroLocal);
        }
        else
        {
            var scales = Quantization.Scales(scale.Constant!);
            var zeroPoints = Quantization.ZeroPoints(zero?.Constant, scales.Length);
            if (layout.PerTensor)
            {
                pushScale = _ => w.F32(scales[0]);
                pushZeroPoint = _ => w.I32(zeroPoints[0]);
            }
            else
            {
                var scaleTable = context.AddWeights($"{node.Name}#scales", scales);
                var zeroPointTable = QuantizedArithmetic.Table(context, $"{node.Name}#zeropoints", zeroPoints);
                pushScale = p => w.Get(p).I32(4).Op(Opcode.I32Mul).Memory(Opcode.F32Load, (uint)scaleTable);
                pushZeroPoint = p => w.Get(p).I32(4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, (uint)zeroPointTable);
            }
        }
        int source = context.Address(x), destination = context.Address(y);
        var quantize = node.OpType == "QuantizeLinear";
        var vectorized = context.Options.Simd && layout.PerTensor && scale.IsConstant && zero is not { IsConstant: false } && x.ElementType != DataType.Int32
            ? EmitVectorPrefix(w, quantize, x.ElementType, y.ElementType, layout.Inner, source, destination,
                Quantization.Scales(scale.Constant!)[0], Quantization.ZeroPoints(zero?.Constant, 1)[0])
            : 0;
        ForEachElement(w, layout, vectorized, (element, parameter) =>
        {
            w.Get(element).I32(y.ElementType.ByteSize()).Op(Opcode.I32Mul).I32(destination).Op(Opcode.I32Add);
            w.Get(element).I32(x.ElementType.ByteSize()).Op(Opcode.I32Mul).I32(source).Op(Opcode.I32Add);
            ElementAccess.Load(w, x.ElementType);
            if (quantize)
            {
                if (x.ElementType == DataType.Int32)
                {
                    w.Op(Opcode.F32ConvertI32S);
                }
                pushScale(parameter);
                w.Op(Opcode.F32Div);
                QuantizedArithmetic.RoundAndSaturate(w, () => pushZeroPoint(parameter), y.ElementType);
            }
            else
            {
                pushZeroPoint(parameter);
                w.Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S);
                pushScale(parameter);
                w.Op(Opcode.F32Mul);
            }
            ElementAccess.Store(w, y.ElementType);
        });
    }

    /// <summary>
    /// Per tensor with SIMD: the first count / 4 * 4 elements 4 at a time (quantize: 16 at a time first), the same
    /// steps in f32x4/i32x4 (quantize: divide, clamp to the range less the zero point, round, add it, narrow;
    /// dequantize: widen, subtract, convert, multiply). Returns how many elements it covered.
    /// </summary>
    private static int EmitVectorPrefix(FunctionBuilder w, bool quantize, DataType xType, DataType yType, int count, int source, int destination, float scale, int zeroPoint)
    {
        var vectorCount = count / 4 * 4;
        var e = w.Local(ValueType.I32);
        var start = 0;
        if (quantize)
        {
            // 16 per step: four f32x4 quantized (QuantizeMath.QuantizeF32x4), narrowed into one 16-byte store.
            var (min, max) = Quantization.Range(yType);
            var temporary = w.Local(ValueType.V128);
            start = count / 16 * 16;
            w.For(e, 0, start, 16, () =>
            {
                w.Get(e).I32(destination).Op(Opcode.I32Add);
                for (var quarter = 0; quarter < 4; quarter++)
                {
                    w.Get(e).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load, (uint)(source + (16 * quarter)));
                    QuantizeMath.QuantizeF32x4(w, temporary, () => w.F32(scale), () => w.F32(min - zeroPoint), () => w.F32(max - zeroPoint), () => w.I32(zeroPoint));
                    if (quarter % 2 == 1)
                    {
                        w.Op(Opcode.I16x8NarrowI32x4S);
                    }
                }
                w.Op(yType == DataType.Int8 ? Opcode.I8x16NarrowI16x8S : Opcode.I8x16NarrowI16x8U).Memory(Opcode.V128Store);
            });
        }
        w.For(e, start, vectorCount, 4, () =>
        {
            if (quantize)
            {
                var (min, max) = Quantization.Range(yType);
                w.Get(e).I32(destination).Op(Opcode.I32Add);
                w.Get(e).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load, (uint)source);
                QuantizeMath.QuantizeAndStoreF32x4(w, () => w.F32(scale), () => w.F32(min - zeroPoint), () => w.F32(max - zeroPoint),
                    () => w.I32(zeroPoint), signed: yType == DataType.Int8);
            }
            else
            {
                w.Get(e).I32(4).Op(Opcode.I32Mul).I32(destination).Op(Opcode.I32Add);
                w.Get(e).Memory(Opcode.V128Load32Zero, (uint)source);
                QuantizeMath.DequantizeI8x4(w, () => w.F32(scale), () => w.I32(zeroPoint), signed: xType == DataType.Int8);
                w.Memory(Opcode.V128Store);
            }
        });
        return vectorCount;
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every element with locals holding the flat element index and its parameter
    /// index (left unset per tensor, where the parameters are constants).
    /// </summary>
    private static void ForEachElement(FunctionBuilder w, QuantizationLayout layout, int start, Action<uint, uint> body)
    {
        var element = w.Local(ValueType.I32);
        var parameter = w.Local(ValueType.I32);
        if (layout.PerTensor)
        {
            w.For(element, start, layout.Outer * layout.AxisLength * layout.Inner, 1, () => body(element, parameter));
            return;
        }
        var (outer, axis, inner) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        w.I32(0).Set(element);
        w.For(outer, 0, layout.Outer, 1, () => w.For(axis, 0, layout.AxisLength, 1, () => w.For(inner, 0, layout.Inner, 1, () =>
        {
            w.Get(outer).I32(layout.OuterStride).Op(Opcode.I32Mul);
            w.Get(axis).I32(layout.Block).Op(Opcode.I32DivU).I32(layout.AxisStride).Op(Opcode.I32Mul).Op(Opcode.I32Add);
            w.Get(inner).I32(layout.InnerStride).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(parameter);
            body(element, parameter);
            w.Increment(element, 1);
        })));
    }
}

/// <summary>
/// DynamicQuantizeLinear: one pass for the range (starting from zero, so it includes it), the scale and zero point
/// as <see cref="DynamicQuantizeLinearOperator.Parameters"/> computes them, then one pass quantizing to uint8.
/// </summary>
internal sealed class DynamicQuantizeLinearKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["DynamicQuantizeLinear"];

    public string? Unsupported(Node node) => null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var count = Shapes.ElementCount(x.Shape!);
        int source = context.Address(x), destination = context.Address(node.Outputs[0]!);
        var (i, lo, hi, scale, zeroPoint) = (w.Local(ValueType.I32), w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.I32));
        w.F32(0).Set(lo).F32(0).Set(hi);
        w.For(i, 0, count, 1, () =>
        {
            w.Get(lo).Get(i).I32(4).Op(Opcode.I32Mul).Memory(Opcode.F32Load, (uint)source).Op(Opcode.F32Min).Set(lo);
            w.Get(hi).Get(i).I32(4).Op(Opcode.I32Mul).Memory(Opcode.F32Load, (uint)source).Op(Opcode.F32Max).Set(hi);
        });
        // scale = (hi == lo ? 1 : hi - lo) / 255
        w.Get(hi).Get(lo).Op(Opcode.F32Sub).F32(1).Get(hi).Get(lo).Op(Opcode.F32Ne).Op(Opcode.Select).F32(255).Op(Opcode.F32Div).Set(scale);
        // zero point = round(clamp(0 - lo / scale, 0, 255))
        w.F32(0).Get(lo).Get(scale).Op(Opcode.F32Div).Op(Opcode.F32Sub).F32(0).Op(Opcode.F32Max).F32(255).Op(Opcode.F32Min)
            .Op(Opcode.F32Nearest).Op(Opcode.I32TruncSatF32S).Set(zeroPoint);
        w.I32(context.Address(node.Outputs[1]!)).Get(scale).Memory(Opcode.F32Store);
        w.I32(context.Address(node.Outputs[2]!)).Get(zeroPoint).Memory(Opcode.I32Store8);
        w.For(i, 0, count, 1, () =>
        {
            w.Get(i).I32(destination).Op(Opcode.I32Add);
            w.Get(i).I32(4).Op(Opcode.I32Mul).Memory(Opcode.F32Load, (uint)source).Get(scale).Op(Opcode.F32Div);
            QuantizedArithmetic.RoundAndSaturate(w, () => w.Get(zeroPoint), DataType.UInt8);
            w.Memory(Opcode.I32Store8);
        });
    }
}
