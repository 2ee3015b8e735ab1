namespace WasmNN.Wasm.Reading;

/// <summary>Section 7: exports.</summary>
internal static class ExportSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadName();
            int kindOffset = r.Offset;
            byte kind = r.ReadByte();
            if (kind > 3) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed export kind", kindOffset, r.Section);
            context.Module.Exports.Add(new Export(name, (ExternalKind)kind, r.ReadVarU32()));
        }
    }
}
