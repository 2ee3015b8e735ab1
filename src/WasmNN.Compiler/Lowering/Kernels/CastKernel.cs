using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Cast among float32, int32 and int64 (float to integer truncates toward zero, saturating). A cast to the same
/// type is a view of its input.
/// </summary>
internal sealed class CastKernel : IKernelLowering
{
    private static readonly DataType[] s_types = [DataType.Float32, DataType.Int32, DataType.Int64];

    public IEnumerable<string> OpTypes => ["Cast"];

    public string? Unsupported(Node node)
    {
        var from = node.Inputs[0]!.ElementType;
        var to = node.Outputs[0]!.ElementType;
        return from == to || (s_types.Contains(from) && s_types.Contains(to)) ? null
            : $"Cast from {from} to {to} is not supported (float32, int32 and int64 only)";
    }

    public Value? ViewSource(Node node) => node.Inputs[0]!.ElementType == node.Outputs[0]!.ElementType ? node.Inputs[0] : null;

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
            return;
        }
        var count = Shapes.ElementCount(y.Shape!);
        int fromBytes = x.ElementType.ByteSize(), toBytes = y.ElementType.ByteSize();
        var i = w.Local(ValueType.I32);
        w.For(i, 0, count, 1, () =>
        {
            w.Get(i).I32(toBytes).Op(Opcode.I32Mul);
            w.Get(i).I32(fromBytes).Op(Opcode.I32Mul);
            w.Code.EmitMemArg(Load(x.ElementType), (uint)(fromBytes == 8 ? 3 : 2), (uint)source);
            w.Op(Convert(x.ElementType, y.ElementType));
            w.Code.EmitMemArg(Store(y.ElementType), (uint)(toBytes == 8 ? 3 : 2), (uint)destination);
        });
    }

    private static Opcode Load(DataType type) => type switch
    {
        DataType.Float32 => Opcode.F32Load,
        DataType.Int32 => Opcode.I32Load,
        _ => Opcode.I64Load,
    };

    private static Opcode Store(DataType type) => type switch
    {
        DataType.Float32 => Opcode.F32Store,
        DataType.Int32 => Opcode.I32Store,
        _ => Opcode.I64Store,
    };

    private static Opcode Convert(DataType from, DataType to) => (from, to) switch
    {
        (DataType.Float32, DataType.Int32) => Opcode.I32TruncSatF32S,
        (DataType.Float32, DataType.Int64) => Opcode.I64TruncSatF32S,
        (DataType.Int32, DataType.Float32) => Opcode.F32ConvertI32S,
        (DataType.Int64, DataType.Float32) => Opcode.F32ConvertI64S,
        (DataType.Int32, DataType.Int64) => Opcode.I64ExtendI32S,
        _ => Opcode.I32WrapI64,
    };
}
