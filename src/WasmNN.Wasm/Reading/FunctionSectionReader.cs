namespace WasmNN.Wasm.Reading;

/// <summary>Section 3: the type index of each defined function.</summary>
internal static class FunctionSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++) context.Module.Functions.Add(r.ReadVarU32());
    }
}
