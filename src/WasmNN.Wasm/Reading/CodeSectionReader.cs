using System.Collections.Immutable;

namespace WasmNN.Wasm.Reading;

/// <summary>Section 10: function bodies. Each body's instructions are decoded once here so malformed code is caught.</summary>
internal static class CodeSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        var module = context.Module;
        // The count is compared with the function section's once every section is read (a misplaced section is
        // reported first, as the spec does).
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            int sizeOffset = r.Offset;
            uint size = r.ReadVarU32();
            if (size > r.Remaining) throw new WasmFormatException(WasmErrorKind.Malformed, "length out of bounds", sizeOffset, r.Section);
            int bodyStart = r.Position;
            int bodyEnd = bodyStart + (int)size;
            var locals = ReadLocals(ref r);
            int codeStart = r.Position;
            BinaryDecoding.ReadInstructionsToEnd(ref r, context.File.Span, out bool usesDataIndex);
            if (r.Position != bodyEnd) throw new WasmFormatException(WasmErrorKind.Malformed, "section size mismatch", bodyStart, r.Section);
            if (usesDataIndex && module.DataCount is null)
            {
                throw new WasmFormatException(WasmErrorKind.Malformed, "data count section required", codeStart, r.Section);
            }
            module.Codes.Add(new FunctionBody(locals, context.File[codeStart..bodyEnd], codeStart, bodyStart));
        }
    }

    private static ImmutableArray<LocalGroup> ReadLocals(ref ByteReader r)
    {
        int groupsOffset = r.Offset;
        int groups = BinaryDecoding.ReadCount(ref r);
        var builder = ImmutableArray.CreateBuilder<LocalGroup>(groups);
        ulong total = 0;
        for (int i = 0; i < groups; i++)
        {
            uint n = r.ReadVarU32();
            total += n;
            if (total > uint.MaxValue) throw new WasmFormatException(WasmErrorKind.Malformed, "too many locals", groupsOffset, r.Section);
            builder.Add(new LocalGroup(n, BinaryDecoding.ReadValueType(ref r)));
        }
        return builder.MoveToImmutable();
    }
}
