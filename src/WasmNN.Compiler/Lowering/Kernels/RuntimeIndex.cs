using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Indices read at run time (Gather, GatherElements, GatherND, ScatterND): an int64 or int32 element made an i32
/// position inside its axis. A negative index wraps by the axis size as ONNX says; one still outside the axis is
/// clamped to it (ONNX leaves it undefined; clamping never reads or writes outside the tensor, docs/ABI.md).
/// </summary>
internal sealed class RuntimeIndex(FunctionBuilder w, int indicesAddress, bool wide)
{
    private readonly uint _index = w.Local(ValueType.I64);

    /// <summary>Pushes the i32 in [0, extent) for the index element whose position <paramref name="pushPosition"/> pushes.</summary>
    public void Push(Action pushPosition, int extent)
    {
        pushPosition();
        w.I32(wide ? 8 : 4).Op(Opcode.I32Mul);
        if (wide)
        {
            w.Code.EmitMemArg(Opcode.I64Load, 3, (uint)indicesAddress);
        }
        else
        {
            w.Code.EmitMemArg(Opcode.I32Load, 2, (uint)indicesAddress);
            w.Op(Opcode.I64ExtendI32S);
        }
        // index += extent when negative; then clamp to [0, extent - 1].
        w.Tee(_index).Get(_index).Code.I64Const(0);
        w.Op(Opcode.I64LtS).Op(Opcode.I64ExtendI32U).Code.I64Const(extent);
        w.Op(Opcode.I64Mul).Op(Opcode.I64Add).Set(_index);
        Clamp(w, _index, extent);
        w.Get(_index).Op(Opcode.I32WrapI64);
    }

    /// <summary>Clamps the i64 local <paramref name="index"/> to [0, extent - 1] in place (branch-free selects).</summary>
    public static void Clamp(FunctionBuilder w, uint index, int extent)
    {
        w.Get(index).Code.I64Const(0);
        w.Get(index).Code.I64Const(0);
        w.Op(Opcode.I64GtS).Op(Opcode.Select).Set(index);
        w.Get(index).Code.I64Const(extent - 1);
        w.Get(index).Code.I64Const(extent - 1);
        w.Op(Opcode.I64LtS).Op(Opcode.Select).Set(index);
    }

    /// <summary>Pushes <c>base + position * elementBytes</c> for the i32 position <paramref name="pushPosition"/> pushes.</summary>
    public static void PushAddress(FunctionBuilder w, int baseAddress, Action pushPosition, int elementBytes)
    {
        w.I32(baseAddress);
        pushPosition();
        w.I32(elementBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
    }
}
