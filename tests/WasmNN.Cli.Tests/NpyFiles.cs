using System.Text;

namespace WasmNN.Cli.Tests;

/// <summary>.npy files written by hand from the format specification (magic, version, header length, dict, data).</summary>
internal static class NpyFiles
{
    public static byte[] Spec(string header, int dataBytes, int major = 1)
    {
        var text = Encoding.Latin1.GetBytes(header + "\n");
        List<byte> bytes = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0, (byte)text.Length, (byte)(text.Length >> 8)];
        if (major != 1) bytes.AddRange([0, 0]);
        bytes.AddRange(text);
        bytes.AddRange(new byte[dataBytes]);
        return [.. bytes];
    }

    /// <summary>A float32 header for <paramref name="shape"/> (written as Python prints a tuple).</summary>
    public static string Header(string shape, string extra = "") =>
        $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, {extra}}}";
}
