using System.Runtime.Intrinsics;

namespace WasmNN.Wasm.Instructions;

/// <summary>
/// Decodes instructions one at a time from a function body or constant expression, driven entirely by the
/// opcode table's immediates. Both the validator and the engine's IL compiler read code through it.
/// </summary>
public ref struct InstructionReader
{
    private ByteReader _reader;

    /// <summary>Reads <paramref name="code"/>, whose first byte is at file offset <paramref name="baseOffset"/>.</summary>
    public InstructionReader(ReadOnlySpan<byte> code, int baseOffset)
        : this(code, baseOffset, "code")
    {
    }

    /// <summary>Reads <paramref name="code"/> found in section <paramref name="section"/> (named in errors).</summary>
    public InstructionReader(ReadOnlySpan<byte> code, int baseOffset, string section)
    {
        _reader = new ByteReader(code, baseOffset) { Section = section };
    }

    /// <summary>The problem reported when the bytes run out (see <see cref="ByteReader.EndProblem"/>).</summary>
    public string EndProblem { readonly get => _reader.EndProblem; set => _reader.EndProblem = value; }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _reader.Position;

    /// <summary>File offset of the next instruction.</summary>
    public readonly int Offset => _reader.Offset;

    /// <summary>True when all bytes have been consumed.</summary>
    public readonly bool AtEnd => _reader.AtEnd;

    /// <summary>Decodes the next instruction. Throws a malformed error for an unknown opcode or bad immediate.</summary>
    public Instruction Read()
    {
        var instruction = new Instruction { Offset = _reader.Offset };
        uint code = _reader.ReadByte();
        if (code is 0xFC or 0xFD or 0xFE)
        {
            uint sub = _reader.ReadVarU32();
            if (sub > 0xFFFF) throw _reader.Error("illegal opcode");
            code = (code << 16) | sub;
        }
        if (!OpcodeTable.TryGet((Opcode)code, out var info))
        {
            throw new WasmFormatException(WasmErrorKind.Malformed,
                code > 0xFF ? $"illegal opcode 0x{code >> 16:x2} 0x{code & 0xFFFF:x}" : $"illegal opcode 0x{code:x2}",
                instruction.Offset, "code");
        }
        instruction.Opcode = info.Opcode;
        ReadImmediates(ref instruction, info.Immediates);
        return instruction;
    }

    private void ReadImmediates(ref Instruction ins, Immediates immediates)
    {
        switch (immediates)
        {
            case Immediates.None:
                break;
            case Immediates.BlockType:
                ins.BlockType = ReadBlockType();
                break;
            case Immediates.Label:
            case Immediates.Function:
            case Immediates.Local:
            case Immediates.Global:
            case Immediates.Table:
            case Immediates.Element:
            case Immediates.Data:
                ins.Index = _reader.ReadVarU32();
                break;
            case Immediates.BrTable:
            {
                uint count = _reader.ReadVarU32();
                if (count > _reader.Remaining) throw _reader.Error(_reader.EndProblem);
                var targets = new uint[count];
                for (int i = 0; i < targets.Length; i++) targets[i] = _reader.ReadVarU32();
                ins.Targets = targets;
                ins.Index = _reader.ReadVarU32();
                break;
            }
            case Immediates.CallIndirect:
                ins.Index = _reader.ReadVarU32();
                ins.Index2 = _reader.ReadVarU32();
                break;
            case Immediates.TableCopy:
            case Immediates.TableInit:
                ins.Index = _reader.ReadVarU32();
                ins.Index2 = _reader.ReadVarU32();
                break;
            case Immediates.MemArg:
            case Immediates.AtomicMemArg:
                ins.MemArg = ReadMemArg();
                break;
            case Immediates.Fence:
                ReadZeroByte();
                break;
            case Immediates.MemArgLane:
                ins.MemArg = ReadMemArg();
                ins.Index = _reader.ReadByte();
                break;
            case Immediates.Memory:
                ins.Index = ReadZeroByte();
                break;
            case Immediates.MemoryCopy:
                ins.Index = ReadZeroByte();
                ins.Index2 = ReadZeroByte();
                break;
            case Immediates.MemoryInit:
                ins.Index = _reader.ReadVarU32();
                ins.Index2 = ReadZeroByte();
                break;
            case Immediates.I32:
                ins.Constant = _reader.ReadVarS32();
                break;
            case Immediates.I64:
                ins.Constant = _reader.ReadVarS64();
                break;
            case Immediates.F32:
                ins.Constant = _reader.ReadF32Bits();
                break;
            case Immediates.F64:
                ins.Constant = (long)_reader.ReadF64Bits();
                break;
            case Immediates.V128:
            case Immediates.Shuffle:
                ins.V128 = Vector128.Create(_reader.ReadBytes(16));
                break;
            case Immediates.Lane:
                ins.Index = _reader.ReadByte();
                break;
            case Immediates.RefType:
            {
                byte b = _reader.ReadByte();
                if (b is not ((byte)ValueType.FuncRef or (byte)ValueType.ExternRef)) throw _reader.Error("malformed reference type");
                ins.RefType = (ValueType)b;
                break;
            }
            case Immediates.SelectTypes:
            {
                uint count = _reader.ReadVarU32();
                if (count > _reader.Remaining) throw _reader.Error(_reader.EndProblem);
                var types = new ValueType[count];
                for (int i = 0; i < types.Length; i++) types[i] = ReadValueType();
                ins.SelectTypes = types;
                break;
            }
            default:
                throw new InvalidOperationException($"unhandled immediates kind {immediates}");
        }
    }

    private uint ReadZeroByte()
    {
        // Multi-memory is not enabled: the memory index is a single zero byte.
        byte b = _reader.ReadByte();
        if (b != 0) throw _reader.Error("zero byte expected");
        return 0;
    }

    private MemArg ReadMemArg()
    {
        uint align = _reader.ReadVarU32();
        // Bit 6 would select a memory index (multi-memory, not enabled); no alignment of 2^32 or more exists.
        if (align >= 32) throw _reader.Error("malformed memop flags");
        uint offset = _reader.ReadVarU32();
        return new MemArg(align, offset, 0);
    }

    private ValueType ReadValueType()
    {
        byte b = _reader.ReadByte();
        if (!ValueTypeExtensions.IsValueTypeByte(b)) throw _reader.Error("malformed value type");
        return (ValueType)b;
    }

    private BlockType ReadBlockType()
    {
        byte b = _reader.PeekByte();
        if (b == 0x40)
        {
            _reader.ReadByte();
            return BlockType.Empty;
        }
        if (ValueTypeExtensions.IsValueTypeByte(b))
        {
            _reader.ReadByte();
            return new BlockType(false, (ValueType)b, 0);
        }
        long index = _reader.ReadVarS33();
        if (index < 0) throw _reader.Error("malformed block type");
        return new BlockType(true, null, (uint)index);
    }
}
