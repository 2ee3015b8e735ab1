using System.Runtime.Intrinsics;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Writing;

/// <summary>
/// Emits instructions into a function body or constant expression. Every helper checks the opcode's immediates kind in
/// the opcode table, so an instruction cannot be written with the wrong operands.
/// </summary>
public sealed partial class CodeWriter
{
    private readonly ByteWriter _out = new();

    /// <summary>Bytes emitted so far.</summary>
    public int Length => _out.Length;

    /// <summary>The emitted bytes.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _out.WrittenSpan;

    /// <summary>A copy of the emitted bytes.</summary>
    public byte[] ToArray() => _out.ToArray();

    /// <summary>An instruction without immediates (<c>i32.add</c>, <c>drop</c>, <c>end</c>...).</summary>
    public CodeWriter Emit(Opcode opcode)
    {
        Start(opcode, Immediates.None);
        return this;
    }

    /// <summary>
    /// An instruction with one index immediate: label, function, local, global, table, element segment, data segment,
    /// lane, or memory index.
    /// </summary>
    public CodeWriter Emit(Opcode opcode, uint index)
    {
        var kind = OpcodeTable.Get(opcode).Immediates;
        switch (kind)
        {
            case Immediates.Label or Immediates.Function or Immediates.Local or Immediates.Global or Immediates.Table
                or Immediates.Element or Immediates.Data:
                WriteOpcode(opcode);
                _out.WriteVarU32(index);
                break;
            case Immediates.Lane:
                WriteOpcode(opcode);
                _out.WriteByte(checked((byte)index));
                break;
            case Immediates.Memory:
                WriteOpcode(opcode);
                _out.WriteByte(checked((byte)index));
                break;
            default:
                throw WrongImmediates(opcode, kind);
        }
        return this;
    }

    /// <summary>An instruction with two indices: <c>call_indirect type table</c>, <c>table.copy dst src</c>,
    /// <c>table.init elem table</c>, <c>memory.copy</c>, <c>memory.init data memory</c>.</summary>
    public CodeWriter Emit(Opcode opcode, uint first, uint second)
    {
        var kind = OpcodeTable.Get(opcode).Immediates;
        WriteOpcode(opcode);
        switch (kind)
        {
            case Immediates.CallIndirect or Immediates.TableCopy or Immediates.TableInit:
                _out.WriteVarU32(first);
                _out.WriteVarU32(second);
                break;
            case Immediates.MemoryCopy:
                _out.WriteByte(checked((byte)first));
                _out.WriteByte(checked((byte)second));
                break;
            case Immediates.MemoryInit:
                _out.WriteVarU32(first);
                _out.WriteByte(checked((byte)second));
                break;
            default:
                throw WrongImmediates(opcode, kind);
        }
        return this;
    }

    /// <summary>A load or store with an explicit alignment exponent (log2 bytes) and static offset.</summary>
    public CodeWriter EmitMemArg(Opcode opcode, uint alignExponent, uint offset)
    {
        var kind = OpcodeTable.Get(opcode).Immediates;
        if (kind is not (Immediates.MemArg or Immediates.AtomicMemArg)) throw WrongImmediates(opcode, kind);
        WriteOpcode(opcode);
        _out.WriteVarU32(alignExponent);
        _out.WriteVarU32(offset);
        return this;
    }

    /// <summary>A load or store at its natural alignment.</summary>
    public CodeWriter EmitMemArg(Opcode opcode, uint offset = 0) =>
        EmitMemArg(opcode, (uint)int.Log2(OpcodeTable.Get(opcode).NaturalAlignment), offset);

    /// <summary><c>atomic.fence</c> and its reserved zero byte.</summary>
    public CodeWriter Fence()
    {
        Start(Opcode.AtomicFence, Immediates.Fence);
        _out.WriteByte(0);
        return this;
    }

    /// <summary>A lane load or store (<c>v128.load32_lane</c>...), naturally aligned.</summary>
    public CodeWriter EmitMemArgLane(Opcode opcode, uint offset, byte lane)
    {
        Start(opcode, Immediates.MemArgLane);
        _out.WriteVarU32((uint)int.Log2(OpcodeTable.Get(opcode).NaturalAlignment));
        _out.WriteVarU32(offset);
        _out.WriteByte(lane);
        return this;
    }

    /// <summary><c>i32.const</c>.</summary>
    public CodeWriter I32Const(int value)
    {
        WriteOpcode(Opcode.I32Const);
        _out.WriteVarS32(value);
        return this;
    }

    /// <summary><c>i64.const</c>.</summary>
    public CodeWriter I64Const(long value)
    {
        WriteOpcode(Opcode.I64Const);
        _out.WriteVarS64(value);
        return this;
    }

    /// <summary><c>f32.const</c> (bit-exact, NaN payloads included).</summary>
    public CodeWriter F32Const(float value)
    {
        WriteOpcode(Opcode.F32Const);
        _out.WriteF32Bits(BitConverter.SingleToUInt32Bits(value));
        return this;
    }

    /// <summary><c>f64.const</c> (bit-exact).</summary>
    public CodeWriter F64Const(double value)
    {
        WriteOpcode(Opcode.F64Const);
        _out.WriteF64Bits(BitConverter.DoubleToUInt64Bits(value));
        return this;
    }

    /// <summary><c>v128.const</c>.</summary>
    public CodeWriter V128Const(Vector128<byte> value)
    {
        WriteOpcode(Opcode.V128Const);
        WriteVector(value);
        return this;
    }

    /// <summary><c>i8x16.shuffle</c> with 16 lane indices (0-31).</summary>
    public CodeWriter I8x16Shuffle(ReadOnlySpan<byte> lanes)
    {
        if (lanes.Length != 16) throw new ArgumentException("a shuffle has 16 lane indices", nameof(lanes));
        WriteOpcode(Opcode.I8x16Shuffle);
        _out.WriteBytes(lanes);
        return this;
    }

    /// <summary><c>block</c>.</summary>
    public CodeWriter Block(BlockType type) => StructuredStart(Opcode.Block, type);

    /// <summary><c>loop</c>.</summary>
    public CodeWriter Loop(BlockType type) => StructuredStart(Opcode.Loop, type);

    /// <summary><c>if</c>.</summary>
    public CodeWriter If(BlockType type) => StructuredStart(Opcode.If, type);

    /// <summary><c>else</c>.</summary>
    public CodeWriter Else() => Emit(Opcode.Else);

    /// <summary><c>end</c>.</summary>
    public CodeWriter End() => Emit(Opcode.End);

    /// <summary><c>br_table</c> with its targets and default label.</summary>
    public CodeWriter BrTable(ReadOnlySpan<uint> targets, uint defaultTarget)
    {
        WriteOpcode(Opcode.BrTable);
        _out.WriteVarU32((uint)targets.Length);
        foreach (var t in targets) _out.WriteVarU32(t);
        _out.WriteVarU32(defaultTarget);
        return this;
    }

    /// <summary><c>ref.null</c> of a reference type.</summary>
    public CodeWriter RefNull(ValueType type)
    {
        WriteOpcode(Opcode.RefNull);
        _out.WriteByte((byte)type);
        return this;
    }

    /// <summary>Typed <c>select</c> (0x1C).</summary>
    public CodeWriter SelectTyped(ValueType type)
    {
        WriteOpcode(Opcode.SelectTyped);
        _out.WriteVarU32(1);
        _out.WriteByte((byte)type);
        return this;
    }

    private CodeWriter StructuredStart(Opcode opcode, BlockType type)
    {
        WriteOpcode(opcode);
        WriteBlockType(type);
        return this;
    }

    private void WriteBlockType(BlockType type)
    {
        if (type.IsTypeIndex) _out.WriteVarS64(type.TypeIndex);
        else if (type.Result is { } r) _out.WriteByte((byte)r);
        else _out.WriteByte(0x40);
    }

    private void WriteVector(Vector128<byte> value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.CopyTo(bytes);
        _out.WriteBytes(bytes);
    }

    private void Start(Opcode opcode, Immediates expected)
    {
        var kind = OpcodeTable.Get(opcode).Immediates;
        if (kind != expected) throw WrongImmediates(opcode, kind);
        WriteOpcode(opcode);
    }

    private void WriteOpcode(Opcode opcode)
    {
        uint value = (uint)opcode;
        if (value > 0xFF)
        {
            _out.WriteByte((byte)(value >> 16));
            _out.WriteVarU32(value & 0xFFFF);
        }
        else
        {
            _out.WriteByte((byte)value);
        }
    }

    private static ArgumentException WrongImmediates(Opcode opcode, Immediates kind) =>
        new($"{OpcodeTable.Get(opcode).Mnemonic} takes immediates of kind {kind}", nameof(opcode));
}
