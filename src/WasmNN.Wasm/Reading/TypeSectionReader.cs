using System.Collections.Immutable;

namespace WasmNN.Wasm.Reading;

/// <summary>Section 1: function types.</summary>
internal static class TypeSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            int offset = r.Offset;
            byte form = r.ReadByte();
            // The form is a one-byte signed LEB128 (-0x20); a continuation bit makes it an over-long integer.
            if ((form & 0x80) != 0) throw new WasmFormatException(WasmErrorKind.Malformed, "integer representation too long", offset, r.Section);
            if (form != 0x60) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed function type", offset, r.Section);
            var parameters = ReadTypes(ref r);
            var results = ReadTypes(ref r);
            context.Module.Types.Add(new FuncType(parameters, results));
        }
    }

    private static ImmutableArray<ValueType> ReadTypes(ref ByteReader r)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        var builder = ImmutableArray.CreateBuilder<ValueType>(count);
        for (int i = 0; i < count; i++) builder.Add(BinaryDecoding.ReadValueType(ref r));
        return builder.MoveToImmutable();
    }
}
