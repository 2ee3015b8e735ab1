using Google.Protobuf;

namespace WasmNN.Onnx;

/// <summary>
/// Reads a ModelProto file as protobuf wire format in one pass and copies it without the raw_data of the top-level
/// graph's initializers (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.raw_data = 9), recording the
/// file range of each instead; the other fields are copied as they are. The copy is what the protobuf parser then
/// reads: the weights are never in memory.
/// </summary>
internal sealed class WeightlessModelReader
{
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int TensorRawData = 9;
    private const int LengthDelimited = 2;

    private readonly Stream _file;
    private readonly string _sourceName;

    private WeightlessModelReader(Stream file, string sourceName)
    {
        _file = file;
        _sourceName = sourceName;
    }

    /// <summary>The model's bytes without initializer raw_data, and each initializer's raw_data range (null: none) in order.</summary>
    /// <exception cref="OnnxFormatException">The wire format is malformed or truncated.</exception>
    public static (byte[] Skeleton, List<(long Offset, long Length)?> RawData) Read(Stream file, string sourceName)
    {
        var reader = new WeightlessModelReader(file, sourceName);
        var ranges = new List<(long, long)?>();
        var skeleton = reader.Message(file.Length, (field, length, output) =>
        {
            if (field != ModelGraph)
            {
                return false;
            }
            var graph = reader.Message(length, (graphField, tensorLength, graphOutput) =>
            {
                if (graphField != GraphInitializer)
                {
                    return false;
                }
                (long, long)? raw = null;
                var tensor = reader.Message(tensorLength, (tensorField, rawLength, _) =>
                {
                    if (tensorField != TensorRawData)
                    {
                        return false;
                    }
                    raw = (reader._file.Position, rawLength);
                    reader._file.Seek(rawLength, SeekOrigin.Current);
                    return true;
                });
                ranges.Add(raw);
                WriteField(graphOutput, graphField, tensor);
                return true;
            });
            WriteField(output, field, graph);
            return true;
        });
        return (skeleton, ranges);
    }

    /// <summary>
    /// Copies the fields of a message of <paramref name="length"/> bytes; <paramref name="descend"/> may take over a
    /// length-delimited field (the stream stands at its payload) and returns true when it consumed and wrote it.
    /// </summary>
    private byte[] Message(long length, Func<int, long, MemoryStream, bool> descend)
    {
        var output = new MemoryStream();
        var end = _file.Position + length;
        if (end > _file.Length)
        {
            throw Truncated();
        }
        while (_file.Position < end)
        {
            var fieldStart = _file.Position;
            var tag = ReadVarint();
            var (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            if (field == 0)
            {
                throw new OnnxFormatException($"{_sourceName}: not a valid ONNX model (field number 0 at byte {fieldStart})");
            }
            long payload = wireType switch
            {
                0 => VarintLength(),
                1 => 8,
                5 => 4,
                LengthDelimited => (long)ReadVarint(),
                _ => throw new OnnxFormatException($"{_sourceName}: not a valid ONNX model (wire type {wireType} at byte {fieldStart})"),
            };
            if (_file.Position + payload > end)
            {
                throw Truncated();
            }
            if (wireType == LengthDelimited && descend(field, payload, output))
            {
                continue;
            }
            // Not taken over: copy the field's bytes from its tag on.
            var after = _file.Position + payload;
            _file.Position = fieldStart;
            CopyBytes(output, after - fieldStart);
        }
        if (_file.Position != end)
        {
            throw Truncated();
        }
        return output.ToArray();
    }

    private static void WriteField(MemoryStream output, int field, byte[] payload)
    {
        var coded = new CodedOutputStream(output, leaveOpen: true);
        coded.WriteTag(field, WireFormat.WireType.LengthDelimited);
        coded.WriteLength(payload.Length);
        coded.Flush();
        output.Write(payload);
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _file.ReadByte();
            if (b < 0)
            {
                throw Truncated();
            }
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new OnnxFormatException($"{_sourceName}: not a valid ONNX model (varint longer than 10 bytes at byte {_file.Position})");
    }

    /// <summary>Skips a varint value, leaving the stream where it began (the copy reads it again); returns 0 bytes to skip after.</summary>
    private long VarintLength()
    {
        var start = _file.Position;
        ReadVarint();
        var length = _file.Position - start;
        _file.Position = start;
        return length;
    }

    private void CopyBytes(Stream output, long count)
    {
        var buffer = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, count));
            _file.ReadExactly(chunk);
            output.Write(chunk);
            count -= chunk.Length;
        }
    }

    private OnnxFormatException Truncated() =>
        new($"{_sourceName}: not a valid ONNX model (corrupt or truncated protobuf: a field runs past the end of its message at byte {_file.Position})");
}
