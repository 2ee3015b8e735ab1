using System.Buffers.Binary;
using System.Text;

namespace WasmNN.Compiler.IR;

/// <summary>
/// How a string tensor of n elements sits in linear memory (docs/ABI.md, "String tensors"): n + 1 little-endian
/// i32 offsets, then a UTF-8 byte area of a fixed capacity; element k is the bytes <c>[offsets[k], offsets[k+1])</c>
/// of the area and <c>offsets[0]</c> is 0, so <c>offsets[n]</c> is the bytes in use. Every host and the compiler's
/// constants read and write it through here.
/// </summary>
public static class StringTensorLayout
{
    /// <summary>UTF-8 that refuses what is not text (lone surrogates, invalid bytes) instead of replacing it.</summary>
    public static UTF8Encoding Utf8 { get; } = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes of the offset table of <paramref name="elements"/> strings.</summary>
    public static long OffsetTableBytes(int elements) => 4L * (elements + 1);

    /// <summary>Bytes of the whole buffer: the offset table and the byte area of <paramref name="capacity"/> bytes.</summary>
    public static long BufferBytes(int elements, int capacity) => OffsetTableBytes(elements) + capacity;

    /// <summary>UTF-8 bytes of <paramref name="values"/> together.</summary>
    /// <exception cref="ArgumentException">A value is not valid text (a lone surrogate).</exception>
    public static int Utf8Length(IEnumerable<string> values) => checked(values.Sum(v => Encode(v, "").Length));

    /// <summary>
    /// Writes <paramref name="values"/> into <paramref name="destination"/>, a buffer laid out for
    /// <paramref name="elements"/> strings (at least as many as given) and <paramref name="capacity"/> bytes.
    /// </summary>
    /// <param name="values">The strings, in row-major order.</param>
    /// <param name="elements">The strings the buffer is laid out for.</param>
    /// <param name="capacity">Bytes of its UTF-8 area.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="what">What the values are, for messages ("input 'x'").</param>
    /// <exception cref="ArgumentException">The values need more than the capacity, or one is not valid text (the message names it).</exception>
    public static void Write(IReadOnlyList<string> values, int elements, int capacity, Span<byte> destination, string what)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count > elements || destination.Length < BufferBytes(elements, capacity))
        {
            throw new ArgumentException($"{what}: {values.Count} strings do not fit a buffer of {elements} strings and {capacity} bytes");
        }
        var area = destination[checked((int)OffsetTableBytes(elements))..];
        var used = 0;
        BinaryPrimitives.WriteInt32LittleEndian(destination, 0);
        for (var k = 0; k < values.Count; k++)
        {
            var bytes = Encode(values[k] ?? throw new ArgumentException($"{what}: element {k} is null"), $"{what}: element {k}");
            if (bytes.Length > capacity - used)
            {
                throw new ArgumentException($"{what}: the strings take more than the {capacity} UTF-8 bytes the model was compiled for (element {k} ends at byte {(long)used + bytes.Length}); recompile with a larger string capacity");
            }
            bytes.CopyTo(area[used..]);
            used += bytes.Length;
            BinaryPrimitives.WriteInt32LittleEndian(destination[(4 * (k + 1))..], used);
        }
    }

    /// <summary>
    /// Reads the first <paramref name="count"/> strings of a buffer laid out for <paramref name="elements"/> strings
    /// and <paramref name="capacity"/> bytes, checking the offsets and the UTF-8.
    /// </summary>
    /// <exception cref="FormatException">An offset is out of order or past the capacity, or the bytes are not UTF-8 (the message names the element).</exception>
    public static string[] Read(ReadOnlySpan<byte> buffer, int count, int elements, int capacity, string what)
    {
        if (count > elements || buffer.Length < BufferBytes(elements, capacity))
        {
            throw new FormatException($"{what}: {count} strings do not fit a buffer of {elements} strings and {capacity} bytes");
        }
        var area = buffer[checked((int)OffsetTableBytes(elements))..];
        var result = new string[count];
        var start = BinaryPrimitives.ReadInt32LittleEndian(buffer);
        for (var k = 0; k < count; k++)
        {
            var end = BinaryPrimitives.ReadInt32LittleEndian(buffer[(4 * (k + 1))..]);
            if (start < 0 || end < start || end > capacity)
            {
                throw new FormatException($"{what}: element {k} has byte range [{start}, {end}), outside [0, {capacity}] or reversed");
            }
            try
            {
                result[k] = Utf8.GetString(area[start..end]);
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException($"{what}: element {k} is not valid UTF-8");
            }
            start = end;
        }
        return result;
    }

    /// <summary>The UTF-8 bytes of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">It is not valid text (a lone surrogate).</exception>
    public static byte[] Encode(string value, string what)
    {
        try
        {
            return Utf8.GetBytes(value);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"{what} is not valid text (a lone UTF-16 surrogate has no UTF-8 form)");
        }
    }
}
