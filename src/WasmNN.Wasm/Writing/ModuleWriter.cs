namespace WasmNN.Wasm.Writing;

/// <summary>
/// Encodes a <see cref="WasmModule"/> as a binary module. Function bodies and constant expressions are copied as they
/// are; custom sections go back after the section they followed. When the module has names but no <c>name</c>
/// custom section (modules built in memory), one is written.
/// </summary>
public static partial class ModuleWriter
{
    /// <summary>The binary encoding of <paramref name="module"/>.</summary>
    public static byte[] Write(WasmModule module)
    {
        using var buffer = new MemoryStream();
        Write(module, buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the binary encoding of <paramref name="module"/> to <paramref name="destination"/>, each section as it
    /// is encoded. <paramref name="streamed"/> segments follow the module's own data segments in the data section;
    /// their bytes go from their writer straight to <paramref name="destination"/>, never through a buffer holding
    /// the whole section (large weights are produced while the file is written).
    /// </summary>
    /// <exception cref="InvalidOperationException">A streamed segment wrote a different number of bytes than it declared.</exception>
    public static void Write(WasmModule module, Stream destination, IReadOnlyList<StreamedDataSegment>? streamed = null) =>
        Write(module, destination, streamed ?? [], measureOnly: false);

    /// <summary>The size of the encoding of <paramref name="module"/> with <paramref name="streamed"/> segments, without producing their bytes.</summary>
    public static long Measure(WasmModule module, IReadOnlyList<StreamedDataSegment> streamed)
    {
        var counting = new CountingStream(Stream.Null);
        Write(module, counting, streamed, measureOnly: true);
        return counting.Written;
    }

    private static void Write(WasmModule module, Stream destination, IReadOnlyList<StreamedDataSegment> streamed, bool measureOnly)
    {
        var output = new ByteWriter();
        output.WriteBytes("\0asm"u8);
        output.WriteBytes([1, 0, 0, 0]);
        var section = new ByteWriter();
        WriteCustomSections(output, module, 0);
        foreach (byte id in (ReadOnlySpan<byte>)[1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11])
        {
            section.Clear();
            if (id == 11 && streamed.Count > 0)
            {
                WriteStreamedDataSection(output, destination, module, streamed, measureOnly);
                WriteCustomSections(output, module, id);
                continue;
            }
            bool written = WriteSection(section, module, id);
            if (!written && id is not (8 or 12) && module.CustomSections.Any(c => c.AfterSectionId == id))
            {
                // An empty vector section that custom sections follow is kept, so they stay where they were.
                section.WriteVarU32(0);
                written = true;
            }
            if (written)
            {
                output.WriteByte(id);
                output.WriteSized(section.WrittenSpan);
            }
            WriteCustomSections(output, module, id);
        }
        if (!module.CustomSections.Any(c => c.Name == "name") && HasNames(module.Names))
        {
            section.Clear();
            WriteNameSection(section, module.Names);
            output.WriteByte(0);
            output.WriteSized(section.WrittenSpan);
        }
        destination.Write(output.WrittenSpan);
    }

    /// <summary>
    /// The data section with streamed segments: its size is known up front (each segment's length is), so the header
    /// and the small segments are written first, then each streamed segment's bytes straight from its writer.
    /// </summary>
    private static void WriteStreamedDataSection(ByteWriter output, Stream destination, WasmModule module, IReadOnlyList<StreamedDataSegment> streamed, bool measureOnly)
    {
        var head = new ByteWriter();
        head.WriteVarU32(checked((uint)(module.Data.Count + streamed.Count)));
        foreach (var segment in module.Data) WriteDataSegment(head, segment);
        var headers = new ByteWriter[streamed.Count];
        long size = head.Length;
        for (var i = 0; i < streamed.Count; i++)
        {
            headers[i] = new ByteWriter();
            headers[i].WriteVarU32(0);
            headers[i].WriteBytes(new CodeWriter().I32Const(unchecked((int)streamed[i].Offset)).End().WrittenSpan);
            headers[i].WriteVarU32(checked((uint)streamed[i].Length));
            size += headers[i].Length + streamed[i].Length;
        }
        output.WriteByte(11);
        output.WriteVarU32(checked((uint)size));
        output.WriteBytes(head.WrittenSpan);
        destination.Write(output.WrittenSpan);
        output.Clear();
        foreach (var (segment, header) in streamed.Zip(headers))
        {
            destination.Write(header.WrittenSpan);
            if (measureOnly && destination is CountingStream measuring)
            {
                measuring.Skip(segment.Length);
                continue;
            }
            var counting = new CountingStream(destination);
            segment.Write(counting);
            if (counting.Written != segment.Length)
            {
                throw new InvalidOperationException($"data segment at {segment.Offset} wrote {counting.Written} bytes, not the {segment.Length} it declared");
            }
        }
    }

    private static void WriteCustomSections(ByteWriter output, WasmModule module, byte afterId)
    {
        foreach (var custom in module.CustomSections)
        {
            if (custom.AfterSectionId != afterId) continue;
            var payload = new ByteWriter();
            payload.WriteName(custom.Name);
            payload.WriteBytes(custom.Content.Span);
            output.WriteByte(0);
            output.WriteSized(payload.WrittenSpan);
        }
    }

    /// <summary>Writes section <paramref name="id"/>'s payload; false when the module has nothing for it.</summary>
    private static bool WriteSection(ByteWriter w, WasmModule m, byte id)
    {
        switch (id)
        {
            case 1:
                if (m.Types.Count == 0) return false;
                w.WriteVarU32((uint)m.Types.Count);
                foreach (var type in m.Types)
                {
                    w.WriteByte(0x60);
                    WriteValueTypes(w, type.Parameters.AsSpan());
                    WriteValueTypes(w, type.Results.AsSpan());
                }
                return true;
            case 2:
                if (m.Imports.Count == 0) return false;
                w.WriteVarU32((uint)m.Imports.Count);
                foreach (var import in m.Imports) WriteImport(w, import);
                return true;
            case 3:
                if (m.Functions.Count == 0) return false;
                w.WriteVarU32((uint)m.Functions.Count);
                foreach (var f in m.Functions) w.WriteVarU32(f);
                return true;
            case 4:
                if (m.Tables.Count == 0) return false;
                w.WriteVarU32((uint)m.Tables.Count);
                foreach (var t in m.Tables) WriteTableType(w, t);
                return true;
            case 5:
                if (m.Memories.Count == 0) return false;
                w.WriteVarU32((uint)m.Memories.Count);
                foreach (var memory in m.Memories) WriteLimits(w, memory.Limits);
                return true;
            case 6:
                if (m.Globals.Count == 0) return false;
                w.WriteVarU32((uint)m.Globals.Count);
                foreach (var g in m.Globals)
                {
                    WriteGlobalType(w, g.Type);
                    w.WriteBytes(g.Init.Code.Span);
                }
                return true;
            case 7:
                if (m.Exports.Count == 0) return false;
                w.WriteVarU32((uint)m.Exports.Count);
                foreach (var e in m.Exports)
                {
                    w.WriteName(e.Name);
                    w.WriteByte((byte)e.Kind);
                    w.WriteVarU32(e.Index);
                }
                return true;
            case 8:
                if (m.Start is not { } start) return false;
                w.WriteVarU32(start);
                return true;
            case 9:
                if (m.Elements.Count == 0) return false;
                w.WriteVarU32((uint)m.Elements.Count);
                foreach (var segment in m.Elements) WriteElementSegment(w, segment);
                return true;
            case 12:
                if (m.DataCount is not { } dataCount) return false;
                w.WriteVarU32(dataCount);
                return true;
            case 10:
                if (m.Codes.Count == 0) return false;
                w.WriteVarU32((uint)m.Codes.Count);
                var body = new ByteWriter();
                foreach (var code in m.Codes)
                {
                    body.Clear();
                    body.WriteVarU32((uint)code.Locals.Length);
                    foreach (var group in code.Locals)
                    {
                        body.WriteVarU32(group.Count);
                        body.WriteByte((byte)group.Type);
                    }
                    body.WriteBytes(code.Code.Span);
                    w.WriteSized(body.WrittenSpan);
                }
                return true;
            case 11:
                if (m.Data.Count == 0) return false;
                w.WriteVarU32((uint)m.Data.Count);
                foreach (var segment in m.Data) WriteDataSegment(w, segment);
                return true;
            default:
                return false;
        }
    }
}
