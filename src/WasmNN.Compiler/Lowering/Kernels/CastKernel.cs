using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Cast (and CastLike, whose second input only names the type) between every pair of the IR's element types, each
/// element loaded and stored through the per-dtype table of <see cref="ElementAccess"/>. Float to integer truncates
/// toward zero, saturating to int32 or int64 (NaN gives 0), and to the narrower and unsigned integers through int64,
/// keeping the low bits (as the reference's C cast); integers narrow by keeping their low bits; anything to bool is
/// "not zero" (NaN is true); to float16 and bfloat16 rounds once to nearest even (ONNX, numpy and onnxruntime; the
/// ONNX 1.12 test data for bfloat16 truncates instead). A cast to the same type is a view of its input.
/// </summary>
internal sealed class CastKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Cast", "CastLike"];

    public string? Unsupported(Node node) => null;

    // A view cannot run the elementwise epilogue FuseElementwise may have attached to a float32 -> float32 Cast.
    public Value? ViewSource(Node node) => node.Inputs[0]!.ElementType == node.Outputs[0]!.ElementType && node.Epilogue.Count == 0 ? node.Inputs[0] : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        int source = context.Address(x), destination = context.Address(y);
        if (x.ElementType == y.ElementType)
        {
            if (source != destination)
            {
                w.Copy(() => w.I32(destination), () => w.I32(source), checked((int)PlanMemory.ByteSize(y)));
            }
            if (node.Epilogue.Count > 0)
            {
                ElementwiseKernel.EmitLoop(context, w, y, ChainStep.Epilogue(node), accumulatorFromOutput: true);
            }
            return;
        }
        var count = Shapes.ElementCount(y.Shape!);
        int fromBytes = x.ElementType.ByteSize(), toBytes = y.ElementType.ByteSize();
        var i = w.Local(ValueType.I32);
        w.For(i, 0, count, 1, () =>
        {
            w.Get(i).I32(toBytes).Op(Opcode.I32Mul).I32(destination).Op(Opcode.I32Add);
            w.Get(i).I32(fromBytes).Op(Opcode.I32Mul).I32(source).Op(Opcode.I32Add);
            ElementAccess.Load(w, x.ElementType);
            Convert(w, x.ElementType, y.ElementType);
            ElementAccess.Store(w, y.ElementType);
        });
    }

    /// <summary>Replaces the number of <paramref name="from"/>'s kind on the stack by its value as <paramref name="to"/> (in <paramref name="to"/>'s kind, before its store).</summary>
    private static void Convert(FunctionBuilder w, DataType from, DataType to)
    {
        NumberKind source = ElementAccess.Kind(from), target = ElementAccess.Kind(to);
        if (to == DataType.Bool)
        {
            ElementAccess.Constant(w, source, 0);
            w.Op(source.Of(Opcode.F32Ne, Opcode.F64Ne, Opcode.I64Ne, Opcode.I32Ne));
            return;
        }
        if (to is DataType.Float16 or DataType.BFloat16 && source != NumberKind.F32)
        {
            // One rounding: to float64 (exact from float64 and 32-bit integers), to float32 rounded to odd, to nearest even on store.
            if (source != NumberKind.F64)
            {
                w.Op(source.Ordered(Opcode.Nop, Opcode.Nop, Opcode.F64ConvertI64S, Opcode.F64ConvertI64U, Opcode.F64ConvertI32S));
            }
            ElementAccess.DemoteRoundingToOdd(w);
            return;
        }
        if (source.IsFloat() && target == NumberKind.U64)
        {
            // Below 2^63 as through int64 (so -1.5 wraps to 2^64 - 1, as the reference's C cast); from 2^63 unsigned.
            var x = w.Local(source.ValueType());
            w.Tee(x).Op(source.Of(Opcode.I64TruncSatF32U, Opcode.I64TruncSatF64U, Opcode.Nop, Opcode.Nop));
            w.Get(x).Op(source.Of(Opcode.I64TruncSatF32S, Opcode.I64TruncSatF64S, Opcode.Nop, Opcode.Nop));
            w.Get(x);
            if (source == NumberKind.F32)
            {
                w.F32(MathF.ScaleB(1, 63)).Op(Opcode.F32Ge);
            }
            else
            {
                w.Code.F64Const(Math.ScaleB(1, 63));
                w.Op(Opcode.F64Ge);
            }
            w.Op(Opcode.Select);
            return;
        }
        // 8- and 16-bit integers take a float's truncation through int64 and keep its low bits, as the reference does.
        var narrow = to.ByteSize() < 4;
        Opcode[] steps = (source, target) switch
        {
            (NumberKind.F32, NumberKind.F64) => [Opcode.F64PromoteF32],
            (NumberKind.F64, NumberKind.F32) => [Opcode.F32DemoteF64],
            (NumberKind.F32, NumberKind.I64) => [Opcode.I64TruncSatF32S],
            (NumberKind.F64, NumberKind.I64) => [Opcode.I64TruncSatF64S],
            (NumberKind.F32, NumberKind.I32) => narrow ? [Opcode.I64TruncSatF32S, Opcode.I32WrapI64] : [Opcode.I32TruncSatF32S],
            (NumberKind.F64, NumberKind.I32) => narrow ? [Opcode.I64TruncSatF64S, Opcode.I32WrapI64] : [Opcode.I32TruncSatF64S],
            (NumberKind.I32, NumberKind.F32) => [Opcode.F32ConvertI32S],
            (NumberKind.I32, NumberKind.F64) => [Opcode.F64ConvertI32S],
            (NumberKind.I64, NumberKind.F32) => [Opcode.F32ConvertI64S],
            (NumberKind.I64, NumberKind.F64) => [Opcode.F64ConvertI64S],
            (NumberKind.U64, NumberKind.F32) => [Opcode.F32ConvertI64U],
            (NumberKind.U64, NumberKind.F64) => [Opcode.F64ConvertI64U],
            // Sign-extends int8/16/32; uint8/16 were zero-extended on load, so the sign bit is clear.
            (NumberKind.I32, NumberKind.I64 or NumberKind.U64) => [Opcode.I64ExtendI32S],
            (NumberKind.I64 or NumberKind.U64, NumberKind.I32) => [Opcode.I32WrapI64],
            // Same wasm type (int64/uint32/uint64 among themselves, the i32 kinds among themselves): the store keeps the low bits.
            _ => [],
        };
        foreach (var step in steps)
        {
            w.Op(step);
        }
    }
}
