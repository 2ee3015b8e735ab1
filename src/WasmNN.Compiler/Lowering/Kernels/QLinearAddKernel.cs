using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// QLinearAdd of two tensors of one shape: 16 elements per step, each quarter widened to i32x4 and taken through
/// <see cref="QLinearAddOperator.Parameters.Add"/>'s float32 steps (less the zero point, times the scale, the sum
/// divided by C's scale), rounded and C's zero point added by the GEMM epilogue's rounding trick
/// (<see cref="IntegerGemmKernels.RoundAddingZeroPoint"/>), then narrowed back to 16 bytes with saturation; the elements past the last whole step and SIMD-off builds go one at a time. The residual Adds of a
/// quantized ResNet read and write 8 bits instead of four float32 passes (two DequantizeLinear, Add, QuantizeLinear).
/// </summary>
internal sealed class QLinearAddKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["QLinearAdd"];

    public string? Unsupported(Node node) =>
        QuantizedArithmetic.RequireConstants(node) ?? (node.Inputs[0]!.Shape!.SequenceEqual(node.Inputs[3]!.Shape!) ? null : "broadcasting QLinearAdd is not supported (A and B must have one shape)");

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var type = node.Outputs[0]!.ElementType;
        var p = QLinearAddOperator.Parameters.Of([.. node.Inputs.Select(i => i?.Constant)]);
        var count = Shapes.ElementCount(node.Outputs[0]!.Shape!);
        int a = context.Address(node.Inputs[0]!), b = context.Address(node.Inputs[3]!), c = context.Address(node.Outputs[0]!);
        var e = w.Local();
        var vectorCount = context.Options.Simd ? count / 16 * 16 : 0;
        if (vectorCount > 0)
        {
            EmitVectors(w, type, p, a, b, c, e, vectorCount);
        }
        w.For(e, vectorCount, count, 1, () =>
        {
            w.Get(e).I32(c).Op(Opcode.I32Add);
            PushDequantized(w, () => w.Get(e).I32(a).Op(Opcode.I32Add), type, p.AZero, p.AScale);
            PushDequantized(w, () => w.Get(e).I32(b).Op(Opcode.I32Add), type, p.BZero, p.BScale);
            w.Op(Opcode.F32Add).F32(p.CScale).Op(Opcode.F32Div);
            QuantizedArithmetic.RoundAndSaturate(w, () => w.I32(p.CZero), type);
            w.Memory(Opcode.I32Store8);
        });
    }

    private static void PushDequantized(FunctionBuilder w, Action pushAddress, DataType type, int zeroPoint, float scale)
    {
        pushAddress();
        ElementAccess.Load(w, type);
        w.I32(zeroPoint).Op(Opcode.I32Sub).Op(Opcode.F32ConvertI32S).F32(scale).Op(Opcode.F32Mul);
    }

    private static void EmitVectors(FunctionBuilder w, DataType type, QLinearAddOperator.Parameters p, int a, int b, int c, uint e, int vectorCount)
    {
        var signed = type == DataType.Int8;
        var (aBytes, bBytes) = (w.Local(ValueType.V128), w.Local(ValueType.V128));
        var quarters = Enumerable.Range(0, 4).Select(_ => w.Local(ValueType.V128)).ToArray();
        // |a - za| * sa + |b - zb| * sb, over C's scale: the largest magnitude the rounding sees.
        var withinRoundingRange = IntegerGemmKernels.WithinRoundingRange(
            ((IntegerGemmKernels.MaxDistanceFromZeroPoint(type, p.AZero) * Math.Abs((double)p.AScale)) + (IntegerGemmKernels.MaxDistanceFromZeroPoint(type, p.BZero) * Math.Abs((double)p.BScale))) / Math.Abs((double)p.CScale));
        void PushQuarter(uint bytes, int quarter, int zeroPoint, float scale)
        {
            w.Get(bytes).Op(quarter < 2 ? (signed ? Opcode.I16x8ExtendLowI8x16S : Opcode.I16x8ExtendLowI8x16U) : (signed ? Opcode.I16x8ExtendHighI8x16S : Opcode.I16x8ExtendHighI8x16U))
                .Op(quarter % 2 == 0 ? Opcode.I32x4ExtendLowI16x8S : Opcode.I32x4ExtendHighI16x8S)
                .I32(zeroPoint).Op(Opcode.I32x4Splat).Op(Opcode.I32x4Sub).Op(Opcode.F32x4ConvertI32x4S).F32(scale).Op(Opcode.F32x4Splat).Op(Opcode.F32x4Mul);
        }
        w.For(e, 0, vectorCount, 16, () =>
        {
            w.Get(e).Memory(Opcode.V128Load, (uint)a).Set(aBytes);
            w.Get(e).Memory(Opcode.V128Load, (uint)b).Set(bBytes);
            for (var q = 0; q < 4; q++)
            {
                PushQuarter(aBytes, q, p.AZero, p.AScale);
                PushQuarter(bBytes, q, p.BZero, p.BScale);
                w.Op(Opcode.F32x4Add).F32(p.CScale).Op(Opcode.F32x4Splat).Op(Opcode.F32x4Div);
                IntegerGemmKernels.RoundAddingZeroPoint(w, p.CZero, withinRoundingRange);
                w.Set(quarters[q]);
            }
            // The saturating narrows clamp to the type's range (its bounds less C's zero point are integers, so
            // clamping the rounded value equals clamping before rounding, as the scalar steps do).
            w.Get(e).I32(c).Op(Opcode.I32Add);
            w.Get(quarters[0]).Get(quarters[1]).Op(Opcode.I16x8NarrowI32x4S).Get(quarters[2]).Get(quarters[3]).Op(Opcode.I16x8NarrowI32x4S)
                .Op(signed ? Opcode.I8x16NarrowI16x8S : Opcode.I8x16NarrowI16x8U).Memory(Opcode.V128Store);
        });
    }
}
