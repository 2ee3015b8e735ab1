namespace WasmNN.Wasm.Reading;

/// <summary>Section 0: custom sections, kept verbatim; the <c>name</c> section is also parsed into <see cref="WasmModule.Names"/>.</summary>
internal static class CustomSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context, byte afterSectionId)
    {
        // The name is read from the section's own bytes: running past them is an "unexpected end".
        int start = r.Position;
        var own = new ByteReader(context.File.Span[start..context.End], r.Offset) { Section = r.Section };
        string name = own.ReadName();
        var content = context.File[(start + own.Position)..context.End];
        r.Position = context.End;
        context.Module.CustomSections.Add(new CustomSection(name, content, afterSectionId));
        if (name == "name" && NameSectionReader.TryRead(content.Span, context.End - content.Length) is { } names)
        {
            context.Module.Names = names;
        }
    }
}
