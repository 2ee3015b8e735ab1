namespace WasmNN.Wasm.Reading;

/// <summary>
/// The <c>name</c> custom section: module name (subsection 0), function names (1) and local names (2); other
/// subsections are skipped. It is debugging information only, so a malformed one is ignored, not an error.
/// </summary>
internal static class NameSectionReader
{
    public static NameMap? TryRead(ReadOnlySpan<byte> content, int baseOffset)
    {
        try
        {
            return Read(content, baseOffset);
        }
        catch (WasmFormatException)
        {
            return null;
        }
    }

    private static NameMap Read(ReadOnlySpan<byte> content, int baseOffset)
    {
        var r = new ByteReader(content, baseOffset) { Section = "name" };
        string? moduleName = null;
        var functions = new Dictionary<uint, string>();
        var locals = new Dictionary<uint, Dictionary<uint, string>>();
        while (!r.AtEnd)
        {
            byte id = r.ReadByte();
            uint size = r.ReadVarU32();
            int end = checked(r.Position + (int)size);
            if (size > r.Remaining) throw r.Error("unexpected end");
            switch (id)
            {
                case 0:
                    moduleName = r.ReadName();
                    break;
                case 1:
                    ReadNameMap(ref r, functions);
                    break;
                case 2:
                {
                    int count = BinaryDecoding.ReadCount(ref r);
                    for (int i = 0; i < count; i++)
                    {
                        uint function = r.ReadVarU32();
                        var map = new Dictionary<uint, string>();
                        ReadNameMap(ref r, map);
                        locals[function] = map;
                    }
                    break;
                }
                default:
                    r.Position = end;
                    break;
            }
            if (r.Position != end) throw r.Error("section size mismatch");
        }
        return new NameMap { ModuleName = moduleName, Functions = functions, Locals = locals };
    }

    private static void ReadNameMap(ref ByteReader r, Dictionary<uint, string> map)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            uint index = r.ReadVarU32();
            map[index] = r.ReadName();
        }
    }
}
