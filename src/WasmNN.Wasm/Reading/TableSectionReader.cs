namespace WasmNN.Wasm.Reading;

/// <summary>Section 4: tables.</summary>
internal static class TableSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++) context.Module.Tables.Add(BinaryDecoding.ReadTableType(ref r));
    }
}
