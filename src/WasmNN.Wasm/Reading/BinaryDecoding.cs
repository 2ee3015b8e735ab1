using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Reading;

/// <summary>Decoding of the types and expressions that several sections share.</summary>
internal static class BinaryDecoding
{
    public static ValueType ReadValueType(ref ByteReader r)
    {
        int offset = r.Offset;
        byte b = r.ReadByte();
        if (!ValueTypeExtensions.IsValueTypeByte(b)) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed value type", offset, r.Section);
        return (ValueType)b;
    }

    public static ValueType ReadReferenceType(ref ByteReader r)
    {
        int offset = r.Offset;
        byte b = r.ReadByte();
        if (b is not ((byte)ValueType.FuncRef or (byte)ValueType.ExternRef))
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, "malformed reference type", offset, r.Section);
        }
        return (ValueType)b;
    }

    /// <summary>Limits: flag bit 0 = has maximum, bit 1 = shared (memories only, threads proposal).</summary>
    public static Limits ReadLimits(ref ByteReader r, bool allowShared = false)
    {
        int offset = r.Offset;
        byte flags = r.ReadByte();
        // The spec reads the flag as an integer: anything above the known flags (64-bit: not enabled) is too large.
        // Shared without a maximum (0x02) decodes; validation rejects it.
        if ((flags & 0x80) != 0) throw new WasmFormatException(WasmErrorKind.Malformed, "integer representation too long", offset, r.Section);
        if (flags > (allowShared ? 3 : 1)) throw new WasmFormatException(WasmErrorKind.Malformed, "integer too large", offset, r.Section);
        uint min = r.ReadVarU32();
        return new Limits(min, (flags & 1) != 0 ? r.ReadVarU32() : null, (flags & 2) != 0);
    }

    /// <summary>A memory type (limits that may be shared).</summary>
    public static MemoryType ReadMemoryType(ref ByteReader r) => new(ReadLimits(ref r, allowShared: true));

    public static TableType ReadTableType(ref ByteReader r)
    {
        var element = ReadReferenceType(ref r);
        return new TableType(element, ReadLimits(ref r));
    }

    public static GlobalType ReadGlobalType(ref ByteReader r)
    {
        var type = ReadValueType(ref r);
        int offset = r.Offset;
        byte mutability = r.ReadByte();
        if (mutability > 1) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed mutability", offset, r.Section);
        return new GlobalType(type, mutability == 1);
    }

    /// <summary>Reads a count of items; counts are not bounded here (the items' reads hit the end).</summary>
    public static int ReadCount(ref ByteReader r)
    {
        int offset = r.Offset;
        uint count = r.ReadVarU32();
        // Every item takes at least one byte, so a count beyond the bytes left can only end in "unexpected end".
        if (count > r.Remaining) throw new WasmFormatException(WasmErrorKind.Malformed, r.EndProblem, offset, r.Section);
        return (int)count;
    }

    /// <summary>
    /// Reads a constant expression through its final <c>end</c>: the instructions are decoded (an unknown opcode is
    /// malformed) but not type-checked.
    /// </summary>
    public static ConstantExpression ReadConstantExpression(ref ByteReader r, ReadOnlyMemory<byte> file)
    {
        int start = r.Position;
        int length = ReadInstructionsToEnd(ref r, file.Span, out _);
        return new ConstantExpression(file.Slice(start, length), start);
    }

    /// <summary>
    /// Decodes instructions from the reader's position through the <c>end</c> that closes the outermost block, and
    /// advances past it. Returns the byte length consumed; <paramref name="usesDataIndex"/> tells whether
    /// <c>memory.init</c> or <c>data.drop</c> occurred.
    /// </summary>
    public static int ReadInstructionsToEnd(ref ByteReader r, ReadOnlySpan<byte> file, out bool usesDataIndex)
    {
        int start = r.Position;
        var reader = new InstructionReader(file[start..], start, r.Section ?? "code") { EndProblem = r.EndProblem };
        int depth = 0;
        usesDataIndex = false;
        while (true)
        {
            var ins = reader.Read();
            switch (ins.Opcode)
            {
                case Opcode.Block or Opcode.Loop or Opcode.If:
                    depth++;
                    break;
                case Opcode.Else when depth == 0:
                    throw new WasmFormatException(WasmErrorKind.Malformed, "END opcode expected", ins.Offset, r.Section);
                case Opcode.MemoryInit or Opcode.DataDrop:
                    usesDataIndex = true;
                    break;
                case Opcode.End:
                    if (depth == 0)
                    {
                        r.Position = start + reader.Position;
                        return reader.Position;
                    }
                    depth--;
                    break;
            }
        }
    }
}
