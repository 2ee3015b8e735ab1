using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace WasmNN.Examples.TextRecognition;

/// <summary>A PNG file that is malformed or uses a feature this reader does not decode; the message names the byte offset.</summary>
public sealed class PngFormatException(string message) : Exception(message);

/// <summary>
/// An 8-bit RGB image decoded from a PNG file (PNG spec, 3rd edition): every colour type and bit depth, transparency
/// composited over white (text lines are dark on light), Adam7 interlacing refused. Chunk CRCs are checked, the
/// decompressed size must be exactly what the header implies, and the pixel count is capped before anything is
/// allocated, so a hostile file costs at most that much memory.
/// </summary>
public sealed class PngImage
{
    /// <summary>The largest image accepted, in pixels (a text line is far smaller; this bounds the allocation).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private PngImage(int width, int height, byte[] rgb) => (Width, Height, Rgb) = (width, height, rgb);

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixels row by row, three bytes (R, G, B) each.</summary>
    public byte[] Rgb { get; }

    /// <summary>Decodes the PNG file at <paramref name="path"/>.</summary>
    /// <exception cref="PngFormatException">The file is not a PNG this reader decodes (the message says why and where).</exception>
    public static PngImage Read(string path)
    {
        try
        {
            return Decode(File.ReadAllBytes(path));
        }
        catch (PngFormatException e)
        {
            throw new PngFormatException($"{path}: {e.Message}");
        }
    }

    /// <summary>Decodes PNG bytes.</summary>
    /// <exception cref="PngFormatException">The bytes are not a PNG this reader decodes.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < Signature.Length || !file[..Signature.Length].SequenceEqual(Signature))
        {
            throw new PngFormatException("byte 0: not a PNG file (bad signature)");
        }
        Header? header = null;
        byte[]? palette = null;
        byte[]? transparency = null;
        using var compressed = new MemoryStream();
        var offset = Signature.Length;
        while (true)
        {
            if (file.Length - offset < 12)
            {
                throw new PngFormatException($"byte {offset}: truncated chunk (no IEND)");
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(file[offset..]);
            if (length > int.MaxValue || length > file.Length - offset - 12)
            {
                throw new PngFormatException($"byte {offset}: chunk length {length} runs past the end of the file");
            }
            var type = System.Text.Encoding.ASCII.GetString(file.Slice(offset + 4, 4));
            var data = file.Slice(offset + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(file[(offset + 8 + (int)length)..]);
            if (crc != Crc32.HashToUInt32(file.Slice(offset + 4, 4 + (int)length)))
            {
                throw new PngFormatException($"byte {offset}: {type} chunk has a bad CRC");
            }
            if (header is null && type != "IHDR")
            {
                throw new PngFormatException($"byte {offset}: the first chunk is {type}, not IHDR");
            }
            switch (type)
            {
                case "IHDR":
                    header = Header.Parse(data, offset);
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "tRNS":
                    transparency = data.ToArray();
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "IEND":
                    return Build(header!, compressed.ToArray(), palette, transparency);
                default:
                    if ((type[0] & 0x20) == 0)
                    {
                        throw new PngFormatException($"byte {offset}: unknown critical chunk {type}");
                    }
                    break; // Ancillary chunks (text, gamma, time...) do not change the pixels we read.
            }
            offset += 12 + (int)length;
        }
    }

    private sealed record Header(int Width, int Height, int BitDepth, int ColorType)
    {
        public int Channels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

        public int BitsPerPixel => Channels * BitDepth;

        public int RowBytes => (int)(((long)Width * BitsPerPixel + 7) / 8);

        public static Header Parse(ReadOnlySpan<byte> data, int offset)
        {
            if (data.Length != 13)
            {
                throw new PngFormatException($"byte {offset}: IHDR has {data.Length} bytes, not 13");
            }
            var width = BinaryPrimitives.ReadUInt32BigEndian(data);
            var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
            int depth = data[8], color = data[9];
            if (width == 0 || height == 0 || (long)width * height > MaxPixels)
            {
                throw new PngFormatException($"byte {offset}: image size {width}x{height} is empty or above {MaxPixels} pixels");
            }
            var allowed = color switch
            {
                0 => depth is 1 or 2 or 4 or 8 or 16,
                3 => depth is 1 or 2 or 4 or 8,
                2 or 4 or 6 => depth is 8 or 16,
                _ => false,
            };
            if (!allowed)
            {
                throw new PngFormatException($"byte {offset}: colour type {color} with bit depth {depth} is not valid PNG");
            }
            if (data[10] != 0 || data[11] != 0)
            {
                throw new PngFormatException($"byte {offset}: unknown compression or filter method");
            }
            if (data[12] != 0)
            {
                throw new PngFormatException($"byte {offset}: interlaced (Adam7) images are not supported; re-save without interlacing");
            }
            return new Header((int)width, (int)height, depth, color);
        }
    }

    private static PngImage Build(Header header, byte[] compressed, byte[]? palette, byte[]? transparency)
    {
        if (header.ColorType == 3 && palette is null)
        {
            throw new PngFormatException("a palette image has no PLTE chunk");
        }
        var stride = header.RowBytes;
        var raw = Inflate(compressed, (long)(stride + 1) * header.Height);
        Unfilter(raw, header, stride);
        var rgb = new byte[(long)header.Width * header.Height * 3];
        for (var y = 0; y < header.Height; y++)
        {
            var row = raw.AsSpan(y * (stride + 1) + 1, stride);
            for (var x = 0; x < header.Width; x++)
            {
                var (r, g, b, a) = Pixel(row, x, header, palette, transparency);
                var o = ((long)y * header.Width + x) * 3;
                // Composite over white: text recognisers expect ink on paper.
                rgb[o] = (byte)((r * a + 255 * (255 - a) + 127) / 255);
                rgb[o + 1] = (byte)((g * a + 255 * (255 - a) + 127) / 255);
                rgb[o + 2] = (byte)((b * a + 255 * (255 - a) + 127) / 255);
            }
        }
        return new PngImage(header.Width, header.Height, rgb);
    }

    private static byte[] Inflate(byte[] compressed, long expected)
    {
        var raw = new byte[expected];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var read = 0;
            while (read < raw.Length)
            {
                var n = zlib.Read(raw, read, raw.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read != raw.Length || zlib.ReadByte() != -1)
            {
                throw new PngFormatException($"the image data inflates to {(read != raw.Length ? read : "more than " + expected)} bytes; the header implies {expected}");
            }
        }
        catch (InvalidDataException e)
        {
            throw new PngFormatException($"the image data is not valid zlib ({e.Message})");
        }
        return raw;
    }

    /// <summary>Reverses the per-row filters in place (filter byte, then the row).</summary>
    private static void Unfilter(byte[] raw, Header header, int stride)
    {
        var bpp = Math.Max(1, header.BitsPerPixel / 8);
        for (var y = 0; y < header.Height; y++)
        {
            var start = y * (stride + 1);
            var filter = raw[start];
            var row = raw.AsSpan(start + 1, stride);
            var prior = y == 0 ? Span<byte>.Empty : raw.AsSpan(start - stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= bpp ? row[i - bpp] : 0, up = prior.IsEmpty ? 0 : prior[i], upLeft = i >= bpp && !prior.IsEmpty ? prior[i - bpp] : 0;
                row[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)left,
                    2 => (byte)up,
                    3 => (byte)((left + up) / 2),
                    4 => Paeth(left, up, upLeft),
                    _ => throw new PngFormatException($"row {y} has unknown filter type {filter}"),
                };
            }
        }
    }

    private static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }

    private static (int R, int G, int B, int A) Pixel(ReadOnlySpan<byte> row, int x, Header header, byte[]? palette, byte[]? transparency)
    {
        switch (header.ColorType)
        {
            case 0:
            {
                var v = To8Bit(Sample(row, x, 0, header), header.BitDepth);
                var transparent = transparency is { Length: >= 2 } && Sample(row, x, 0, header) == BinaryPrimitives.ReadUInt16BigEndian(transparency);
                return (v, v, v, transparent ? 0 : 255);
            }
            case 2:
                return (To8Bit(Sample(row, x, 0, header), header.BitDepth), To8Bit(Sample(row, x, 1, header), header.BitDepth), To8Bit(Sample(row, x, 2, header), header.BitDepth), 255);
            case 3:
            {
                var index = Sample(row, x, 0, header);
                if (index * 3 + 2 >= palette!.Length)
                {
                    throw new PngFormatException($"palette index {index} is outside the {palette.Length / 3}-entry palette");
                }
                var alpha = transparency is not null && index < transparency.Length ? transparency[index] : 255;
                return (palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2], alpha);
            }
            case 4:
            {
                var v = To8Bit(Sample(row, x, 0, header), header.BitDepth);
                return (v, v, v, To8Bit(Sample(row, x, 1, header), header.BitDepth));
            }
            default:
                return (To8Bit(Sample(row, x, 0, header), header.BitDepth), To8Bit(Sample(row, x, 1, header), header.BitDepth),
                    To8Bit(Sample(row, x, 2, header), header.BitDepth), To8Bit(Sample(row, x, 3, header), header.BitDepth));
        }
    }

    /// <summary>Channel <paramref name="channel"/> of pixel <paramref name="x"/> at the file's precision (1 to 16 bits).</summary>
    private static int Sample(ReadOnlySpan<byte> row, int x, int channel, Header header)
    {
        var index = x * header.Channels + channel;
        switch (header.BitDepth)
        {
            case 16:
                return BinaryPrimitives.ReadUInt16BigEndian(row[(index * 2)..]);
            case 8:
                return row[index];
            default:
                var bit = index * header.BitDepth;
                return (row[bit / 8] >> (8 - header.BitDepth - bit % 8)) & ((1 << header.BitDepth) - 1);
        }
    }

    /// <summary>A sample scaled to 0..255 (16-bit: the high byte; 1-4 bits: replicated to full range).</summary>
    private static int To8Bit(int sample, int bitDepth) => bitDepth switch
    {
        16 => sample >> 8,
        8 => sample,
        _ => sample * 255 / ((1 << bitDepth) - 1),
    };
}
