namespace WasmNN.Wasm.Reading;

/// <summary>Section 5: memories.</summary>
internal static class MemorySectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++) context.Module.Memories.Add(BinaryDecoding.ReadMemoryType(ref r));
    }
}
