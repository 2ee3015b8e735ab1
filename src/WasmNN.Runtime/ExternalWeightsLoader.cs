using WasmNN.Compiler.Abi;
using WasmNN.Engine;

namespace WasmNN.Runtime;

/// <summary>
/// Puts a <c>.weights</c> file's payload into a model's linear memory (docs/ABI.md): the header must name this
/// module's weights, then the payload is mapped copy-on-write from the file where the engine can
/// (<see cref="WasmMemory.TryMapFile"/>) or read straight into memory, with no buffer between.
/// </summary>
internal static class ExternalWeightsLoader
{
    /// <param name="path">The weights file.</param>
    /// <param name="weights">What the module's metadata says of its weights.</param>
    /// <param name="memory">The module's linear memory.</param>
    /// <param name="map">Map the payload where the engine can; false always reads it.</param>
    /// <returns>True when the payload was mapped, false when it was read.</returns>
    /// <exception cref="FileNotFoundException">No weights file at <paramref name="path"/>.</exception>
    /// <exception cref="FormatException">Not a weights file, another module's, or truncated.</exception>
    public static bool Load(string path, WeightsInfo weights, WasmMemory memory, bool map)
    {
        if (weights.Address < 0 || weights.Bytes < 0 || weights.Address + weights.Bytes > memory.Length)
        {
            throw new FormatException($"the module puts its weights at {weights.Address} ({weights.Bytes} bytes), outside its memory");
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        var fileBytes = stream.Length;
        var header = new byte[(int)Math.Min(fileBytes, 4096)];
        stream.ReadExactly(header);
        var offset = WeightsFile.CheckHeader(header, weights, path);
        if (fileBytes - offset < weights.Bytes)
        {
            throw new FormatException($"{path}: truncated: {weights.Bytes} bytes of weights from byte {offset} expected, the file has {fileBytes}");
        }
        if (map && memory.TryMapFile(stream.SafeFileHandle, offset, weights.Address, weights.Bytes)) return true;
        memory.ReadFile(stream.SafeFileHandle, offset, weights.Address, weights.Bytes);
        return false;
    }
}
