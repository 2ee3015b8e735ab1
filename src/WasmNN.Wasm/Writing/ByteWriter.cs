using System.Buffers.Binary;
using System.Text;

namespace WasmNN.Wasm.Writing;

/// <summary>Appends the binary format's primitives (LEB128 integers, floats, names) to a growable buffer.</summary>
public sealed class ByteWriter
{
    private byte[] _buffer = new byte[256];

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Forgets everything written.</summary>
    public void Clear() => Length = 0;

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[Length++] = value;
    }

    /// <summary>Appends raw bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Appends an unsigned LEB128.</summary>
    public void WriteVarU32(uint value)
    {
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }

    /// <summary>Appends a signed LEB128 (any width up to 64 bits: i32, s33 block types, i64).</summary>
    public void WriteVarS64(long value)
    {
        while (true)
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bool done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            WriteByte(done ? b : (byte)(b | 0x80));
            if (done) return;
        }
    }

    /// <summary>Appends a signed LEB128 i32.</summary>
    public void WriteVarS32(int value) => WriteVarS64(value);

    /// <summary>Appends the little-endian bits of an f32.</summary>
    public void WriteF32Bits(uint bits)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, bits);
        WriteBytes(b);
    }

    /// <summary>Appends the little-endian bits of an f64.</summary>
    public void WriteF64Bits(ulong bits)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, bits);
        WriteBytes(b);
    }

    /// <summary>Appends a length-prefixed UTF-8 name.</summary>
    public void WriteName(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        WriteVarU32((uint)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Appends a length-prefixed byte vector (section payloads, function bodies, data).</summary>
    public void WriteSized(ReadOnlySpan<byte> payload)
    {
        WriteVarU32((uint)payload.Length);
        WriteBytes(payload);
    }

    private void Reserve(int count)
    {
        if (Length + count <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
    }
}
