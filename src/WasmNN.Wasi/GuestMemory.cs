using System.Buffers.Binary;
using System.Text;

namespace WasmNN.Wasi;

/// <summary>Raised when the guest passes a pointer or length outside its linear memory; becomes <see cref="Errno.Fault"/>.</summary>
internal sealed class GuestMemoryFaultException(ulong address, ulong length)
    : Exception($"guest range [{address}, +{length}) is outside linear memory")
{
}

/// <summary>Raised on a guest string that is not valid UTF-8; becomes <see cref="Errno.Ilseq"/>.</summary>
internal sealed class GuestEncodingException() : Exception("guest string is not valid UTF-8")
{
}

/// <summary>
/// Bounds-checked little-endian view of a guest's linear memory for the duration of one host call.
/// Guest pointers are wasm32 <c>i32</c>s reinterpreted as unsigned.
/// </summary>
internal readonly ref struct GuestMemory(Span<byte> bytes)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Span<byte> _bytes = bytes;

    public int Length => _bytes.Length;

    public Span<byte> Slice(uint address, ulong length)
    {
        if ((ulong)address + length > (ulong)_bytes.Length) throw new GuestMemoryFaultException(address, length);
        return _bytes.Slice((int)address, (int)length);
    }

    public byte ReadU8(uint address) => Slice(address, 1)[0];
    public ushort ReadU16(uint address) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(address, 2));
    public uint ReadU32(uint address) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(address, 4));
    public ulong ReadU64(uint address) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(address, 8));

    public void WriteU8(uint address, byte value) => Slice(address, 1)[0] = value;
    public void WriteU16(uint address, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Slice(address, 2), value);
    public void WriteU32(uint address, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Slice(address, 4), value);
    public void WriteU64(uint address, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Slice(address, 8), value);

    /// <summary>Decodes a (not NUL-terminated) UTF-8 string the guest passed as pointer and length.</summary>
    public string ReadString(uint address, uint length)
    {
        var span = Slice(address, length);
        try
        {
            return s_strictUtf8.GetString(span);
        }
        catch (DecoderFallbackException)
        {
            throw new GuestEncodingException();
        }
    }

    /// <summary>
    /// Reads the guest's iovec array and checks every buffer is in bounds before any I/O happens, so a bad
    /// vector fails with <see cref="Errno.Fault"/> without a partial read or write.
    /// </summary>
    public (uint Address, uint Length)[] ReadIovecs(uint iovs, uint count)
    {
        var raw = Slice(iovs, (ulong)count * Layout.IovecSize);
        var result = new (uint, uint)[count];
        for (var i = 0; i < count; i++)
        {
            var address = BinaryPrimitives.ReadUInt32LittleEndian(raw[(i * 8)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[(i * 8 + 4)..]);
            Slice(address, length);
            result[i] = (address, length);
        }
        return result;
    }
}
