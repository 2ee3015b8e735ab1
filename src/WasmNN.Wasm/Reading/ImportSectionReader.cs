namespace WasmNN.Wasm.Reading;

/// <summary>Section 2: imports.</summary>
internal static class ImportSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            string moduleName = r.ReadName();
            string name = r.ReadName();
            int kindOffset = r.Offset;
            byte kind = r.ReadByte();
            var import = kind switch
            {
                0 => new Import(moduleName, name, ExternalKind.Function, TypeIndex: r.ReadVarU32()),
                1 => new Import(moduleName, name, ExternalKind.Table, Table: BinaryDecoding.ReadTableType(ref r)),
                2 => new Import(moduleName, name, ExternalKind.Memory, Memory: BinaryDecoding.ReadMemoryType(ref r)),
                3 => new Import(moduleName, name, ExternalKind.Global, Global: BinaryDecoding.ReadGlobalType(ref r)),
                _ => throw new WasmFormatException(WasmErrorKind.Malformed, "malformed import kind", kindOffset, r.Section),
            };
            context.Module.Imports.Add(import);
        }
    }
}
