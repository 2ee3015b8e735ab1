using WasmNN.Compiler.Abi;
using WasmNN.Engine;

namespace WasmNN.Runtime;

/// <summary>
/// Puts a <c>.weights</c> file's payload into a model's linear memory (docs/ABI.md): the header must name this
/// module's weights, then the payload goes straight from the file into memory, with no buffer between.
/// </summary>
internal static class ExternalWeightsLoader
{
    private const int ChunkBytes = 1 << 24;

    /// <exception cref="FileNotFoundException">No weights file at <paramref name="path"/>.</exception>
    /// <exception cref="FormatException">Not a weights file, another module's, or truncated.</exception>
    public static void Load(string path, WeightsInfo weights, WasmMemory memory)
    {
        if (weights.Address < 0 || weights.Bytes < 0 || weights.Address + weights.Bytes > memory.Length)
        {
            throw new FormatException($"the module puts its weights at {weights.Address} ({weights.Bytes} bytes), outside its memory");
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var header = new byte[(int)Math.Min(file.Length, 4096)];
        file.ReadExactly(header);
        var offset = WeightsFile.CheckHeader(header, weights, path);
        if (file.Length - offset < weights.Bytes)
        {
            throw new FormatException($"{path}: truncated: {weights.Bytes} bytes of weights from byte {offset} expected, the file has {file.Length}");
        }
        file.Position = offset;
        for (long done = 0; done < weights.Bytes;)
        {
            var chunk = (int)Math.Min(ChunkBytes, weights.Bytes - done);
            file.ReadExactly(memory.GetSpan(weights.Address + done, chunk));
            done += chunk;
        }
    }
}
