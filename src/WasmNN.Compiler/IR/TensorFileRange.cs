namespace WasmNN.Compiler.IR;

/// <summary>
/// Bytes of a file that hold a tensor's elements: an ONNX initializer's raw_data inside the model file, or its
/// external data. The importer checks the range against the file's size; the bytes are read only when needed.
/// </summary>
/// <param name="Path">The file (absolute).</param>
/// <param name="Offset">Offset of the first byte.</param>
/// <param name="Length">Number of bytes.</param>
public sealed record TensorFileRange(string Path, long Offset, long Length)
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Fills <paramref name="destination"/> from the range's bytes at <paramref name="offset"/> on.</summary>
    /// <exception cref="IOException">The file is shorter than the range (it changed since the import) or cannot be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The bytes asked for run past the range.</exception>
    public void ReadInto(long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, Length, nameof(destination));
        using var stream = Open();
        stream.Position += offset;
        stream.ReadExactly(destination);
    }

    /// <summary>Copies the range to <paramref name="destination"/> one chunk at a time.</summary>
    /// <exception cref="IOException">As <see cref="ReadInto"/>.</exception>
    public void CopyTo(Stream destination)
    {
        using var stream = Open();
        var buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(1, Length))];
        for (var left = Length; left > 0;)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, left));
            stream.ReadExactly(chunk);
            destination.Write(chunk);
            left -= chunk.Length;
        }
    }

    private FileStream Open()
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if (stream.Length < Offset + Length)
        {
            stream.Dispose();
            throw new IOException($"{Path}: the file is shorter than when it was imported ({Offset} + {Length} bytes expected)");
        }
        stream.Position = Offset;
        return stream;
    }
}
