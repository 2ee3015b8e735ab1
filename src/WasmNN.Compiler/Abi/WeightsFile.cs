using System.Buffers.Binary;
using System.Text;

namespace WasmNN.Compiler.Abi;

/// <summary>
/// The <c>.weights</c> file of a build with external weights (docs/ABI.md): a 65536-byte header, then the payload,
/// the bytes of linear memory from <see cref="WeightsInfo.Address"/> on, exactly as the module expects them.
/// </summary>
/// <remarks>
/// Header, little-endian: the magic <c>WASMNNWT</c>; u32 format version (1); u32 payload checksum; u64 payload
/// offset in the file (65536); u64 payload length; u64 memory address; u32 length of the model's name, then the
/// name in UTF-8; zeros to the payload. The payload starts at a multiple of 65536 in the file and in memory, so a host
/// can map the file's pages straight into linear memory.
/// </remarks>
public static class WeightsFile
{
    /// <summary>The file's first 8 bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "WASMNNWT"u8;

    /// <summary>The header's version.</summary>
    public const int Version = 1;

    /// <summary>Bytes before the payload (one wasm page, so the payload can be memory-mapped).</summary>
    public const int HeaderBytes = 65536;

    /// <summary>The longest model name the header holds.</summary>
    private const int MaxNameBytes = 4096;

    /// <summary>The checksum's starting value (FNV-1a's 32-bit offset basis).</summary>
    public const uint ChecksumSeed = 2166136261;

    /// <summary>FNV-1a's 32-bit prime.</summary>
    public const uint ChecksumPrime = 16777619;

    /// <summary>The default file name of a module's weights: <c>model.weights</c> beside <c>model.wasm</c>.</summary>
    public static string PathFor(string wasmPath) => Path.ChangeExtension(wasmPath, ".weights");

    /// <summary>
    /// Continues the payload checksum over <paramref name="bytes"/> (a multiple of 4 long): FNV-1a over little-endian
    /// u32 words, <c>h = (h ^ word) * 16777619</c> from <see cref="ChecksumSeed"/>; one multiply per word, so every
    /// host (and the module itself) computes it fast.
    /// </summary>
    public static uint Checksum(uint hash, ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i + 4 <= bytes.Length; i += 4)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..])) * ChecksumPrime;
        }
        return hash;
    }

    /// <summary>The header for a payload.</summary>
    public static byte[] Header(WeightsInfo info, string model)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), ParseChecksum(info.Checksum));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), info.Bytes);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), info.Address);
        var name = Encoding.UTF8.GetBytes(model);
        name = name[..Math.Min(name.Length, MaxNameBytes)];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), name.Length);
        name.CopyTo(header, 44);
        return header;
    }

    /// <summary>
    /// Checks a header against the module's <paramref name="expected"/> weights; returns the payload's offset in the file.
    /// </summary>
    /// <exception cref="FormatException">Not a weights file, or one made for another module (the message names both).</exception>
    public static long CheckHeader(ReadOnlySpan<byte> header, WeightsInfo expected, string path)
    {
        if (header.Length < 44 || !header[..8].SequenceEqual(Magic))
        {
            throw new FormatException($"{path}: not a wasmnn weights file (no WASMNNWT header)");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != Version)
        {
            throw new FormatException($"{path}: weights file format {version} is not supported (expected {Version})");
        }
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]).ToString("x8");
        var offset = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        var bytes = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        var address = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
        var nameLength = BinaryPrimitives.ReadInt32LittleEndian(header[40..]);
        var model = nameLength is >= 0 and <= MaxNameBytes && 44 + nameLength <= header.Length ? Encoding.UTF8.GetString(header.Slice(44, nameLength)) : "?";
        if (checksum != expected.Checksum || bytes != expected.Bytes || address != expected.Address || offset < 44)
        {
            throw new FormatException($"{path}: the weights of model '{model}' (checksum {checksum}, {bytes} bytes at {address}), " +
                $"not of this module (checksum {expected.Checksum}, {expected.Bytes} bytes at {expected.Address})");
        }
        return offset;
    }

    /// <summary>The checksum's value from its metadata spelling (8 hex digits).</summary>
    public static uint ParseChecksum(string hex) => uint.Parse(hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
}
