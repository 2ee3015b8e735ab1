using System.Collections.Immutable;

namespace WasmNN.Wasm.Reading;

/// <summary>Section 9: element segments, in all eight encodings (flags 0-7).</summary>
/// <remarks>
/// Flag bit 0: passive or declarative; bit 1: explicit table index (active) or declarative (passive);
/// bit 2: items are expressions instead of function indices.
/// </remarks>
internal static class ElementSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++) context.Module.Elements.Add(ReadSegment(ref r, context.File));
    }

    private static ElementSegment ReadSegment(ref ByteReader r, ReadOnlyMemory<byte> file)
    {
        int segmentOffset = r.Offset;
        uint flags = r.ReadVarU32();
        if (flags > 7) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed elements segment kind", segmentOffset, r.Section);
        bool passiveOrDeclarative = (flags & 1) != 0;
        bool explicitTableOrDeclarative = (flags & 2) != 0;
        bool expressions = (flags & 4) != 0;
        var mode = !passiveOrDeclarative ? SegmentMode.Active : explicitTableOrDeclarative ? SegmentMode.Declarative : SegmentMode.Passive;
        uint table = mode == SegmentMode.Active && explicitTableOrDeclarative ? r.ReadVarU32() : 0;
        var offset = mode == SegmentMode.Active ? BinaryDecoding.ReadConstantExpression(ref r, file) : null;
        var elementType = ValueType.FuncRef;
        // Flags 0 and 4 have neither element kind nor reference type: funcref is implied.
        if ((flags & 3) != 0)
        {
            if (expressions)
            {
                elementType = BinaryDecoding.ReadReferenceType(ref r);
            }
            else
            {
                int kindOffset = r.Offset;
                if (r.ReadByte() != 0) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed element kind", kindOffset, r.Section);
            }
        }
        int count = BinaryDecoding.ReadCount(ref r);
        var items = ImmutableArray.CreateBuilder<ConstantExpression>(count);
        if (expressions)
        {
            for (int i = 0; i < count; i++) items.Add(BinaryDecoding.ReadConstantExpression(ref r, file));
            return new ElementSegment(mode, elementType, table, offset, items.MoveToImmutable(), segmentOffset);
        }
        var indices = ImmutableArray.CreateBuilder<uint>(count);
        for (int i = 0; i < count; i++)
        {
            int itemOffset = r.Offset;
            uint function = r.ReadVarU32();
            indices.Add(function);
            items.Add(new ConstantExpression(RefFunc(function), itemOffset));
        }
        return new ElementSegment(mode, elementType, table, offset, items.MoveToImmutable(), segmentOffset)
        {
            FunctionIndices = indices.MoveToImmutable(),
        };
    }

    /// <summary>The expression <c>ref.func function end</c>, so consumers see one item form.</summary>
    private static byte[] RefFunc(uint function)
    {
        var bytes = new List<byte>(7) { 0xD2 };
        do
        {
            byte b = (byte)(function & 0x7F);
            function >>= 7;
            bytes.Add(function != 0 ? (byte)(b | 0x80) : b);
        }
        while (function != 0);
        bytes.Add(0x0B);
        return [.. bytes];
    }
}
