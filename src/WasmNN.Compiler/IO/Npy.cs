using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.IO;

/// <summary>
/// NumPy .npy files (format versions 1-3, little-endian, C order): float32, float64, int64, int32, int8, uint8, bool.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="InvalidDataException">The file is not a supported .npy (the message names it).</exception>
    public static Tensor Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated .npy file", e);
        }
    }

    /// <summary>Reads a .npy stream.</summary>
    public static Tensor Read(Stream stream)
    {
        var prefix = new byte[8];
        stream.ReadExactly(prefix);
        if (!prefix.AsSpan(0, 6).SequenceEqual(s_magic))
        {
            throw new InvalidDataException("not a .npy file (bad magic)");
        }
        int headerLength;
        if (prefix[6] == 1)
        {
            var b = new byte[2];
            stream.ReadExactly(b);
            headerLength = b[0] | (b[1] << 8);
        }
        else
        {
            var b = new byte[4];
            stream.ReadExactly(b);
            headerLength = BitConverter.ToInt32(b);
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = Encoding.Latin1.GetString(headerBytes);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"unreadable .npy header '{header.Trim()}'");
        }
        if (fortran.Success && fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException("Fortran-ordered arrays are not supported");
        }
        var type = descr.Groups[1].Value switch
        {
            "<f4" => DataType.Float32,
            "<f8" => DataType.Float64,
            "<i8" => DataType.Int64,
            "<i4" => DataType.Int32,
            "|i1" => DataType.Int8,
            "|u1" => DataType.UInt8,
            "|b1" => DataType.Bool,
            var other => throw new InvalidDataException($"unsupported dtype '{other}'"),
        };
        int[] shape = [.. shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        var tensor = Tensor.Zeros(type, shape);
        if (tensor.Data is bool[] flags)
        {
            var bytes = new byte[flags.Length];
            stream.ReadExactly(bytes);
            for (var i = 0; i < bytes.Length; i++)
            {
                flags[i] = bytes[i] != 0;
            }
        }
        else
        {
            stream.ReadExactly(tensor.AsBytes());
        }
        return tensor;
    }

    /// <summary>Writes a tensor as a version 1.0 .npy file.</summary>
    public static void Write(string path, Tensor tensor)
    {
        using var stream = File.Create(path);
        Write(stream, tensor);
    }

    /// <summary>Writes a tensor as a version 1.0 .npy stream.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        var descr = tensor.DataType switch
        {
            DataType.Float32 => "<f4",
            DataType.Float64 => "<f8",
            DataType.Int64 => "<i8",
            DataType.Int32 => "<i4",
            DataType.Int8 => "|i1",
            DataType.UInt8 => "|u1",
            _ => "|b1",
        };
        var shape = tensor.Rank == 1 ? $"({tensor.Shape[0]},)" : $"({string.Join(", ", tensor.Shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Pad so that the data starts on a 64-byte boundary, ending the header with '\n'.
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        stream.Write(s_magic);
        stream.Write([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        stream.Write(Encoding.Latin1.GetBytes(header));
        if (tensor.Data is bool[] flags)
        {
            stream.Write([.. flags.Select(f => f ? (byte)1 : (byte)0)]);
        }
        else
        {
            stream.Write(tensor.AsBytes());
        }
    }


    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
