using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.IO;

/// <summary>
/// NumPy .npy files as the format specification describes them (numpy/lib/format.py): versions 1.0, 2.0 and 3.0,
/// little-endian float32, float64, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool (bfloat16 has no NumPy dtype)
/// and fixed-width unicode <c>&lt;U</c><i>w</i> (UTF-32 code points, zero-padded: string tensors), C or Fortran order (Fortran-ordered data is
/// reordered to C order on reading). The one .npy reader and writer of the project: the CLI and the compiler use it.
/// </summary>
/// <remarks>
/// Layout: the magic <c>\x93NUMPY</c>, major and minor version bytes, the header length (2 bytes little-endian in
/// version 1.0, 4 bytes in 2.0 and 3.0), the header (a Python dict literal, Latin-1 in 1.0/2.0 and UTF-8 in 3.0,
/// padded with spaces and ending in '\n' so the data starts on a 64-byte boundary), then exactly
/// <c>product(shape) * itemsize</c> bytes of data. The size is computed with overflow checks and compared with the
/// file's length before anything is allocated; bytes after the data are an error, as in the <c>--wasi</c> build.
/// </remarks>
public static class Npy
{
    /// <summary>Data starts on a multiple of this many bytes (numpy's ARRAY_ALIGN).</summary>
    private const int ArrayAlign = 64;

    /// <summary>Spare header room for the digits of the first dimension (numpy's GROWTH_AXIS_MAX_DIGITS).</summary>
    private const int GrowthAxisMaxDigits = 21;

    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The supported dtypes: the descr NumPy writes for each (bfloat16 has none).</summary>
    private static readonly (string Descr, DataType Type)[] s_dtypes =
        [.. DataTypes.All.Where(t => t.NpyDescr is not null).Select(t => (t.NpyDescr!, t.Type))];

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="NpyFormatException">The file is not a valid or supported .npy (the message names it and the byte offset).</exception>
    /// <exception cref="IOException">The file cannot be read (missing, a directory, ...).</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public static Tensor Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return Read(stream);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads a .npy array from the current position to the end of <paramref name="stream"/>.</summary>
    /// <exception cref="NpyFormatException">The bytes are not a valid or supported .npy (the message gives the byte offset).</exception>
    public static Tensor Read(Stream stream)
    {
        if (!stream.CanSeek)
        {
            // A pipe: its length is only known once read.
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return Read(copy);
        }
        var length = Math.Max(0, stream.Length - stream.Position);
        Span<byte> prefix = stackalloc byte[12];
        var got = (int)Math.Min(length, prefix.Length);
        stream.ReadExactly(prefix[..got]);
        if (got < 8 || !prefix[..6].SequenceEqual(s_magic))
        {
            throw new NpyFormatException("byte 0: not a .npy file (it does not start with the \\x93NUMPY magic)");
        }
        var (major, minor) = (prefix[6], prefix[7]);
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw new NpyFormatException($"byte 6: unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 exist)");
        }
        var prefixLength = major == 1 ? 10 : 12;
        if (got < prefixLength)
        {
            throw new NpyFormatException($"byte {got}: truncated .npy file (the file ends inside the header length)");
        }
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > length - prefixLength)
        {
            throw new NpyFormatException($"byte 8: header length {headerLength} runs past the end of the file ({length} bytes)");
        }
        stream.Position += prefixLength - got;
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var encoding = major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true) : Encoding.Latin1;
        string text;
        try
        {
            text = encoding.GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new NpyFormatException($"byte {prefixLength + e.Index}: the version 3.0 header is not valid UTF-8", e);
        }
        var header = NpyHeader.Parse(text, prefixLength, encoding);
        var dataStart = prefixLength + headerLength;
        var (type, itemSize) = DataTypeOf(header.Descr, prefixLength);
        var shape = CheckedShape(header.Shape, prefixLength);
        var dataBytes = DataByteCount(shape, itemSize, prefixLength);
        var available = length - dataStart;
        if (available < dataBytes)
        {
            throw new NpyFormatException($"byte {length}: truncated .npy file: shape ({string.Join(", ", shape)}) of {header.Descr} needs {dataBytes} data bytes, the file has {available}");
        }
        if (available > dataBytes)
        {
            throw new NpyFormatException($"byte {dataStart + dataBytes}: {available - dataBytes} unexpected bytes after the data of shape ({string.Join(", ", shape)}) of {header.Descr}");
        }
        if (dataBytes > Array.MaxLength)
        {
            throw new NpyFormatException($"byte {dataStart}: the array is too large ({dataBytes} bytes; this reader holds at most {Array.MaxLength})");
        }
        var tensor = Tensor.Zeros(type, shape);
        var target = type == DataType.String ? new byte[dataBytes] : tensor.AsBytes();
        if (header.FortranOrder && shape.Length > 1)
        {
            var stored = new byte[dataBytes];
            stream.ReadExactly(stored);
            FortranToC(stored, target, shape, itemSize);
        }
        else
        {
            stream.ReadExactly(target);
        }
        if (type == DataType.String)
        {
            ReadUnicode(target, itemSize, tensor.AsStrings(), dataStart);
        }
        if (tensor.Data is bool[])
        {
            // Keep bools canonical (0 or 1): the byte view lets any value in.
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = target[i] != 0 ? (byte)1 : (byte)0;
            }
        }
        return tensor;
    }

    /// <summary>Writes a tensor as a .npy file (through a temporary file, so a failure leaves no partial file).</summary>
    public static void Write(string path, Tensor tensor) => AtomicFile.Write(path, stream => Write(stream, tensor));

    /// <summary>
    /// Writes a tensor as a .npy stream, byte for byte as NumPy's <c>np.save</c> does: version 1.0 (2.0 when the
    /// header would not fit in 65,535 bytes), spare spaces after the dict so the first dimension can grow in place,
    /// then padding to a 64-byte boundary and '\n'.
    /// </summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        var width = tensor.DataType == DataType.String ? Math.Max(1, tensor.AsStrings().Max(t => (int?)t.EnumerateRunes().Count()) ?? 1) : 0;
        var descr = tensor.DataType == DataType.String ? $"<U{width}" : tensor.DataType.Info().NpyDescr
            ?? throw new NpyFormatException($"{tensor.DataType.Info().Name} has no NumPy dtype, so it cannot be written as .npy (cast the output to float32 in the model)");
        var text = new NpyHeader(descr, false, [.. tensor.Shape.Select(d => (long)d)]).ToString();
        if (tensor.Rank > 0)
        {
            text += new string(' ', GrowthAxisMaxDigits - tensor.Shape[0].ToString(CultureInfo.InvariantCulture).Length);
        }
        var prefixLength = 10;
        var padding = ArrayAlign - ((prefixLength + text.Length + 1) % ArrayAlign);
        if (text.Length + 1 + padding > ushort.MaxValue)
        {
            prefixLength = 12;
            padding = ArrayAlign - ((prefixLength + text.Length + 1) % ArrayAlign);
        }
        var header = Encoding.Latin1.GetBytes(text + new string(' ', padding) + "\n");
        Span<byte> prefix = stackalloc byte[prefixLength];
        s_magic.CopyTo(prefix);
        if (prefixLength == 10)
        {
            prefix[6] = 1;
            BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], (ushort)header.Length);
        }
        else
        {
            prefix[6] = 2;
            BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], (uint)header.Length);
        }
        stream.Write(prefix);
        stream.Write(header);
        if (tensor.DataType == DataType.String)
        {
            WriteUnicode(stream, tensor.AsStrings(), width);
            return;
        }
        stream.Write(tensor.AsBytes());
    }

    /// <summary>Decodes fixed-width UTF-32 items, each ending at its first zero code point (numpy strips the padding).</summary>
    private static void ReadUnicode(ReadOnlySpan<byte> data, int itemSize, string[] strings, long dataStart)
    {
        var utf32 = new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true);
        for (var k = 0; k < strings.Length; k++)
        {
            var item = data.Slice(k * itemSize, itemSize);
            var length = 0;
            while (length < item.Length && BinaryPrimitives.ReadUInt32LittleEndian(item[length..]) != 0)
            {
                length += 4;
            }
            try
            {
                strings[k] = utf32.GetString(item[..length]);
            }
            catch (DecoderFallbackException)
            {
                throw new NpyFormatException($"byte {dataStart + ((long)k * itemSize)}: element {k} holds a value that is not a Unicode code point");
            }
        }
    }

    /// <summary>Writes each string as <paramref name="width"/> UTF-32 code points, zero-padded.</summary>
    private static void WriteUnicode(Stream stream, string[] strings, int width)
    {
        var item = new byte[4 * width];
        foreach (var text in strings)
        {
            Array.Clear(item);
            var at = 0;
            foreach (var rune in text.EnumerateRunes())
            {
                BinaryPrimitives.WriteInt32LittleEndian(item.AsSpan(at), rune.Value);
                at += 4;
            }
            stream.Write(item);
        }
    }

    /// <summary>The element type and item size of a descr.</summary>
    private static (DataType Type, int ItemSize) DataTypeOf(string descr, long headerOffset)
    {
        foreach (var (name, type) in s_dtypes)
        {
            if (name == descr)
            {
                return (type, type.ByteSize());
            }
        }
        if (descr.StartsWith("<U", StringComparison.Ordinal) && int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width is > 0 and < int.MaxValue / 4)
        {
            return (DataType.String, 4 * width);
        }
        var supported = string.Join(", ", s_dtypes.Select(d => d.Descr).Append("<U (unicode)"));
        throw new NpyFormatException(descr.StartsWith('>')
            ? $"byte {headerOffset}: big-endian data ('{descr}') is not supported (supported: {supported})"
            : $"byte {headerOffset}: unsupported dtype '{descr}' (supported: {supported})");
    }

    private static int[] CheckedShape(long[] shape, long headerOffset)
    {
        foreach (var dim in shape)
        {
            if (dim > int.MaxValue)
            {
                throw new NpyFormatException($"byte {headerOffset}: shape ({string.Join(", ", shape)}) has a dimension above {int.MaxValue}");
            }
        }
        return [.. shape.Select(d => (int)d)];
    }

    /// <summary>product(shape) * itemsize, or an error when it does not fit in a long.</summary>
    private static long DataByteCount(int[] shape, int itemSize, long headerOffset)
    {
        if (Array.IndexOf(shape, 0) >= 0)
        {
            return 0;
        }
        long bytes = itemSize;
        foreach (var dim in shape)
        {
            if (bytes > long.MaxValue / dim)
            {
                throw new NpyFormatException($"byte {headerOffset}: shape ({string.Join(", ", shape)}) is too large (its size overflows)");
            }
            bytes *= dim;
        }
        return bytes;
    }

    /// <summary>Reorders column-major elements (first index fastest) into row-major order.</summary>
    private static void FortranToC(ReadOnlySpan<byte> stored, Span<byte> target, int[] shape, int itemSize)
    {
        var rank = shape.Length;
        var fortranStrides = new long[rank];
        fortranStrides[0] = itemSize;
        for (var axis = 1; axis < rank; axis++)
        {
            fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1];
        }
        var index = new int[rank];
        long source = 0;
        for (var offset = 0; offset < target.Length; offset += itemSize)
        {
            stored.Slice((int)source, itemSize).CopyTo(target.Slice(offset, itemSize));
            // Advance the row-major index (last axis fastest), keeping the column-major offset in step.
            for (var axis = rank - 1; axis >= 0; axis--)
            {
                source += fortranStrides[axis];
                if (++index[axis] < shape[axis])
                {
                    break;
                }
                source -= fortranStrides[axis] * shape[axis];
                index[axis] = 0;
            }
        }
    }
}
