using System.Buffers.Binary;
using System.Text;

namespace WasmNN.Wasm;

/// <summary>
/// Reads the binary format's primitives (LEB128 integers, floats, names) from a span, tracking the file offset so
/// every error names its byte. Throws <see cref="WasmFormatException"/> with kind Malformed.
/// </summary>
public ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _baseOffset;
    private int _position;

    /// <summary>Reads <paramref name="bytes"/>, whose first byte is at file offset <paramref name="baseOffset"/>.</summary>
    public ByteReader(ReadOnlySpan<byte> bytes, int baseOffset = 0)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        _position = 0;
    }

    /// <summary>The section name used in error messages.</summary>
    public string? Section { get; set; }

    /// <summary>
    /// The problem reported when the bytes run out: the spec says "unexpected end" between sections and
    /// "unexpected end of section or function" inside one.
    /// </summary>
    public string EndProblem { get; set; } = "unexpected end";

    /// <summary>
    /// Position (within the span) beyond which a length-prefixed name may not reach: the end of the current section.
    /// A name longer than that is "length out of bounds".
    /// </summary>
    public int LengthLimit { get; set; } = int.MaxValue;

    /// <summary>Position within the span.</summary>
    public int Position { readonly get => _position; set => _position = value; }

    /// <summary>File offset of the next byte.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool AtEnd => _position >= _bytes.Length;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _bytes.Length - _position;

    /// <summary>Throws a malformed-module error at the current offset.</summary>
    public readonly WasmFormatException Error(string problem) => new(WasmErrorKind.Malformed, problem, Offset, Section);

    /// <summary>Reads one byte.</summary>
    public byte ReadByte()
    {
        if (_position >= _bytes.Length) throw Error(EndProblem);
        return _bytes[_position++];
    }

    /// <summary>Peeks at the next byte without consuming it.</summary>
    public readonly byte PeekByte()
    {
        if (_position >= _bytes.Length) throw Error(EndProblem);
        return _bytes[_position];
    }

    /// <summary>Reads <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining) throw Error(EndProblem);
        var span = _bytes.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Reads an unsigned LEB128 of at most 32 bits.</summary>
    public uint ReadVarU32()
    {
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28)
            {
                // Fifth byte: only the low 4 bits may be used and it must be the last.
                if ((b & 0x80) != 0) throw Error("integer representation too long");
                if ((b & 0x70) != 0) throw Error("integer too large");
                return result | ((uint)b << shift);
            }
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    /// <summary>Reads a signed LEB128 of at most 32 bits.</summary>
    public int ReadVarS32()
    {
        int result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long");
                // The unused high bits must all equal the sign bit (bit 3 of this byte).
                int high = b & 0x70;
                bool negative = (b & 0x08) != 0;
                if (negative ? high != 0x70 : high != 0) throw Error("integer too large");
                return result | (b << shift);
            }
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0) result |= -1 << (shift + 7);
                return result;
            }
        }
    }

    /// <summary>Reads a signed LEB128 of at most 33 bits (block types).</summary>
    public long ReadVarS33()
    {
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long");
                int high = b & 0x60;
                bool negative = (b & 0x10) != 0;
                if (negative ? high != 0x60 : high != 0) throw Error("integer too large");
                result |= (long)(b & 0x7F) << shift;
                if ((b & 0x40) != 0) result |= -1L << (shift + 7);
                return result;
            }
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0) result |= -1L << (shift + 7);
                return result;
            }
        }
    }

    /// <summary>Reads a signed LEB128 of at most 64 bits.</summary>
    public long ReadVarS64()
    {
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63)
            {
                if ((b & 0x80) != 0) throw Error("integer representation too long");
                // Tenth byte: one payload bit; the rest must match it.
                if (b != 0 && b != 0x7F) throw Error("integer too large");
                return result | ((long)b << shift);
            }
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift < 57 && (b & 0x40) != 0) result |= -1L << (shift + 7);
                return result;
            }
        }
    }

    /// <summary>Reads the raw bits of an f32.</summary>
    public uint ReadF32Bits() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    /// <summary>Reads the raw bits of an f64.</summary>
    public ulong ReadF64Bits() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    /// <summary>Reads a length-prefixed UTF-8 name, rejecting invalid UTF-8.</summary>
    public string ReadName()
    {
        int start = Offset;
        uint length = ReadVarU32();
        if (length > Remaining || length > (long)LengthLimit - _position)
        {
            throw new WasmFormatException(WasmErrorKind.Malformed, "length out of bounds", start, Section);
        }
        var bytes = ReadBytes((int)length);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("malformed UTF-8 encoding");
        }
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
