using System.Collections.Immutable;

namespace WasmNN.Wasm.Reading;

/// <summary>Section 10: function bodies. Each body's instructions are decoded once here so malformed code is caught.</summary>
internal static class CodeSectionReader
{
    /// <summary>Reads the bodies; returns the offset of the first that uses a data index (-1 if none).</summary>
    public static int Read(ref ByteReader r, SectionContext context)
    {
        int firstDataUse = -1;
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
            if (usesDataIndex && firstDataUse < 0) firstDataUse = codeStart;
            module.Codes.Add(new FunctionBody(locals, context.File[codeStart..bodyEnd], codeStart, bodyStart));
        }
        return firstDataUse;
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
