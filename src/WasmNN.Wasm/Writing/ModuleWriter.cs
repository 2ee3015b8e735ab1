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
        var output = new ByteWriter();
        output.WriteBytes("\0asm"u8);
        output.WriteBytes([1, 0, 0, 0]);
        var section = new ByteWriter();
        WriteCustomSections(output, module, 0);
        foreach (byte id in (ReadOnlySpan<byte>)[1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11])
        {
            section.Clear();
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
        return output.ToArray();
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
