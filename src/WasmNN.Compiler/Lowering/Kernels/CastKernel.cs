using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Cast (and CastLike, whose second input only names the type) between every pair of float32, float64, int64, int32, int8, uint8 and bool, each element loaded and stored
/// through the per-dtype table of <see cref="ElementAccess"/>. Float to integer truncates toward zero, saturating
/// to int32 or int64 (NaN gives 0), and to int8/uint8 through int64, keeping the low byte (as the reference's C
/// cast); integers narrow by keeping their low bits; anything to bool is "not zero" (NaN is true). A cast to the
/// same type is a view of its input.
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

    /// <summary>Replaces the number of <paramref name="from"/>'s kind on the stack by its value as <paramref name="to"/>.</summary>
    private static void Convert(FunctionBuilder w, DataType from, DataType to)
    {
        NumberKind source = ElementAccess.Kind(from), target = ElementAccess.Kind(to);
        if (to == DataType.Bool)
        {
            ElementAccess.Constant(w, source, 0);
            w.Op(source switch { NumberKind.F32 => Opcode.F32Ne, NumberKind.F64 => Opcode.F64Ne, NumberKind.I64 => Opcode.I64Ne, _ => Opcode.I32Ne });
            return;
        }
        var bytes = to is DataType.Int8 or DataType.UInt8;
        Opcode[] steps = (source, target) switch
        {
            (NumberKind.F32, NumberKind.F64) => [Opcode.F64PromoteF32],
            (NumberKind.F64, NumberKind.F32) => [Opcode.F32DemoteF64],
            (NumberKind.F32, NumberKind.I64) => [Opcode.I64TruncSatF32S],
            (NumberKind.F64, NumberKind.I64) => [Opcode.I64TruncSatF64S],
            (NumberKind.F32, NumberKind.I32) => bytes ? [Opcode.I64TruncSatF32S, Opcode.I32WrapI64] : [Opcode.I32TruncSatF32S],
            (NumberKind.F64, NumberKind.I32) => bytes ? [Opcode.I64TruncSatF64S, Opcode.I32WrapI64] : [Opcode.I32TruncSatF64S],
            (NumberKind.I32, NumberKind.F32) => [Opcode.F32ConvertI32S],
            (NumberKind.I32, NumberKind.F64) => [Opcode.F64ConvertI32S],
            (NumberKind.I64, NumberKind.F32) => [Opcode.F32ConvertI64S],
            (NumberKind.I64, NumberKind.F64) => [Opcode.F64ConvertI64S],
            (NumberKind.I32, NumberKind.I64) => [Opcode.I64ExtendI32S],
            (NumberKind.I64, NumberKind.I32) => [Opcode.I32WrapI64],
            // int8, uint8 and bool to int32 (or among themselves): already widened on load, narrowed on store.
            _ => [],
        };
        foreach (var step in steps)
        {
            w.Op(step);
        }
    }
}
