namespace WasmNN.Wasm.Reading;

/// <summary>
/// Decodes a binary module into a <see cref="WasmModule"/>, one reader per section. Decoding checks everything the
/// spec calls malformed (including every function body's instruction stream); type checking is
/// <c>ModuleValidator</c>'s job.
/// </summary>
/// <remarks>
/// Errors are <see cref="WasmFormatException"/> of kind <see cref="WasmErrorKind.Malformed"/> whose
/// <see cref="WasmFormatException.Problem"/> starts with the spec suite's wording (the reference interpreter
/// compares by prefix) and which name the section and byte offset.
/// </remarks>
public static class ModuleReader
{
    private const string InsideSection = "unexpected end of section or function";

    /// <summary>Decodes <paramref name="bytes"/>. The module keeps slices of the array (function bodies, data).</summary>
    public static WasmModule Read(byte[] bytes) => Read(new ReadOnlyMemory<byte>(bytes));

    /// <summary>Decodes a copy of <paramref name="bytes"/>.</summary>
    public static WasmModule Read(ReadOnlySpan<byte> bytes) => Read(bytes.ToArray());

    /// <summary>Decodes <paramref name="bytes"/>. The module keeps slices of the memory (function bodies, data).</summary>
    public static WasmModule Read(ReadOnlyMemory<byte> bytes)
    {
        var module = new WasmModule();
        var r = new ByteReader(bytes.Span) { Section = "header" };
        ReadHeader(ref r);
        int lastRank = 0;
        byte lastKnownId = 0;
        int codeSectionOffset = -1, firstDataUse = -1;
        bool sawData = false;
        while (!r.AtEnd)
        {
            var (id, idOffset, end) = ReadSectionHeader(ref r);
            int start = r.Position;
            r.EndProblem = InsideSection;
            r.LengthLimit = end;
            if (id != 0)
            {
                int rank = Rank(id);
                if (rank <= lastRank) throw new WasmFormatException(WasmErrorKind.Malformed, "unexpected content after last section", idOffset, r.Section);
                lastRank = rank;
                lastKnownId = id;
            }
            var context = new SectionContext(module, bytes, end);
            switch (id)
            {
                case 0: CustomSectionReader.Read(ref r, context, lastKnownId); break;
                case 1: TypeSectionReader.Read(ref r, context); break;
                case 2: ImportSectionReader.Read(ref r, context); break;
                case 3: FunctionSectionReader.Read(ref r, context); break;
                case 4: TableSectionReader.Read(ref r, context); break;
                case 5: MemorySectionReader.Read(ref r, context); break;
                case 6: GlobalSectionReader.Read(ref r, context); break;
                case 7: ExportSectionReader.Read(ref r, context); break;
                case 8: module.Start = r.ReadVarU32(); break;
                case 9: ElementSectionReader.Read(ref r, context); break;
                case 10: codeSectionOffset = idOffset; firstDataUse = CodeSectionReader.Read(ref r, context); break;
                case 11: DataSectionReader.Read(ref r, context); sawData = true; break;
                case 12: module.DataCount = r.ReadVarU32(); break;
            }
            if (r.Position != end) throw new WasmFormatException(WasmErrorKind.Malformed, "section size mismatch", start, r.Section);
        }
        r.Section = null;
        if (module.Codes.Count != module.Functions.Count)
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, "function and code section have inconsistent lengths",
                codeSectionOffset >= 0 ? codeSectionOffset : r.Offset, "code");
        }
        // memory.init and data.drop need the data count section when there is a data section (without one, an index
        // is simply unknown, which validation reports).
        if (firstDataUse >= 0 && sawData && module.DataCount is null)
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, "data count section required", firstDataUse, "code");
        }
        if (module.DataCount is { } declared && declared != module.Data.Count)
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, "data count and data section have inconsistent lengths", r.Offset, "data");
        }
        return module;
    }

    /// <summary>
    /// The content of the first custom section called <paramref name="name"/>, or null when there is none. Only the
    /// header and the section framing are read (no section is decoded), so a host can tell what a file is, e.g. a
    /// compiled model by its <c>wasmnn.meta</c> section, before reading it in full.
    /// </summary>
    /// <exception cref="WasmFormatException">The header, or the framing of a section before the match, is malformed.</exception>
    public static ReadOnlyMemory<byte>? FindCustomSection(ReadOnlyMemory<byte> bytes, string name)
    {
        var r = new ByteReader(bytes.Span) { Section = "header" };
        ReadHeader(ref r);
        while (!r.AtEnd)
        {
            var (id, _, end) = ReadSectionHeader(ref r);
            if (id == 0)
            {
                int start = r.Position;
                if (CustomSectionReader.ReadName(bytes.Span[start..end], r.Offset, r.Section, out int contentStart) == name)
                {
                    return bytes[(start + contentStart)..end];
                }
            }
            r.Position = end;
        }
        return null;
    }

    /// <summary>The spec's name of section <paramref name="id"/>.</summary>
    public static string SectionName(byte id) => id switch
    {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "data count",
        _ => $"unknown ({id})",
    };

    /// <summary>Position of a known section in the required order (data count sits between element and code).</summary>
    internal static int Rank(byte id) => id switch
    {
        12 => 10,
        10 => 11,
        11 => 12,
        _ => id,
    };

    /// <summary>Reads a section's id and size, leaving <paramref name="r"/> at its first content byte, named after it.</summary>
    private static (byte Id, int IdOffset, int End) ReadSectionHeader(ref ByteReader r)
    {
        r.Section = null;
        r.EndProblem = "unexpected end";
        r.LengthLimit = int.MaxValue;
        int idOffset = r.Offset;
        byte id = r.ReadByte();
        if (id > 12) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed section id", idOffset);
        r.Section = SectionName(id);
        int sizeOffset = r.Offset;
        uint size = r.ReadVarU32();
        if (size > r.Remaining) throw new WasmFormatException(WasmErrorKind.Malformed, "length out of bounds", sizeOffset, r.Section);
        return (id, idOffset, r.Position + (int)size);
    }

    private static void ReadHeader(ref ByteReader r)
    {
        var magic = r.ReadBytes(Math.Min(4, r.Remaining));
        if (magic.Length < 4 || !magic.SequenceEqual("\0asm"u8))
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, magic.Length < 4 ? "unexpected end" : "magic header not detected", 0, "header");
        }
        var version = r.ReadBytes(Math.Min(4, r.Remaining));
        if (version.Length < 4 || !version.SequenceEqual((ReadOnlySpan<byte>)[1, 0, 0, 0]))
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, version.Length < 4 ? "unexpected end" : "unknown binary version", 4, "header");
        }
    }
}

/// <summary>What a section reader needs besides the byte reader: the module being built, the file, the section end.</summary>
internal readonly record struct SectionContext(WasmModule Module, ReadOnlyMemory<byte> File, int End);
