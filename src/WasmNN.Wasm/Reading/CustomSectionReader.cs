namespace WasmNN.Wasm.Reading;

/// <summary>Section 0: custom sections, kept verbatim; the <c>name</c> section is also parsed into <see cref="WasmModule.Names"/>.</summary>
internal static class CustomSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context, byte afterSectionId)
    {
        int start = r.Position;
        string name = ReadName(context.File.Span[start..context.End], r.Offset, r.Section, out int contentStart);
        var content = context.File[(start + contentStart)..context.End];
        r.Position = context.End;
        context.Module.CustomSections.Add(new CustomSection(name, content, afterSectionId));
        if (name == "name" && NameSectionReader.TryRead(content.Span, context.End - content.Length) is { } names)
        {
            context.Module.Names = names;
        }
    }

    /// <summary>The name at the start of a custom section's bytes, and where the content after it starts.</summary>
    /// <param name="section">The section's bytes after its size.</param>
    /// <param name="fileOffset">Their offset in the file, for error messages.</param>
    /// <param name="sectionName">The section's name for error messages.</param>
    /// <param name="contentStart">Index in <paramref name="section"/> of the first content byte.</param>
    public static string ReadName(ReadOnlySpan<byte> section, int fileOffset, string? sectionName, out int contentStart)
    {
        // The name is read from the section's own bytes: running past them is an "unexpected end".
        var own = new ByteReader(section, fileOffset) { Section = sectionName };
        string name = own.ReadName();
        contentStart = own.Position;
        return name;
    }
}
