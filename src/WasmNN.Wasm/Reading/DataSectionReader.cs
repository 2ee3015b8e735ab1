namespace WasmNN.Wasm.Reading;

/// <summary>Section 11: data segments (flags 0: active memory 0, 1: passive, 2: active with memory index).</summary>
internal static class DataSectionReader
{
    public static void Read(ref ByteReader r, SectionContext context)
    {
        int count = BinaryDecoding.ReadCount(ref r);
        for (int i = 0; i < count; i++)
        {
            int segmentOffset = r.Offset;
            uint flags = r.ReadVarU32();
            if (flags > 2) throw new WasmFormatException(WasmErrorKind.Malformed, "malformed data segment kind", segmentOffset, r.Section);
            uint memory = flags == 2 ? r.ReadVarU32() : 0;
            var offset = flags != 1 ? BinaryDecoding.ReadConstantExpression(ref r, context.File) : null;
            uint length = r.ReadVarU32();
            if (length > r.Remaining) throw r.Error(r.EndProblem);
            int start = r.Position;
            r.Position += (int)length;
            context.Module.Data.Add(new DataSegment(flags == 1 ? SegmentMode.Passive : SegmentMode.Active, memory, offset,
                context.File.Slice(start, (int)length), segmentOffset));
        }
    }
}
