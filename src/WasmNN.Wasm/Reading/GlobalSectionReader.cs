namespace WasmNN.Wasm.Reading;

/// <summary>Section 6: globals and their initialisers.</summary>
internal static class GlobalSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            var type = BinaryDecoding.ReadGlobalType(ref r);
            context.Module.Globals.Add(new Global(type, BinaryDecoding.ReadConstantExpression(ref r, context.File)));
        }
    }
}
