using WasmNN.Compiler.IO;

namespace WasmNN.Cli;

/// <summary>
/// The npm package's ES modules (js/src, embedded in the tool at build time: one source, no copy in the repo), written
/// beside a compiled module by <c>wasmnn compile --js</c> so a static site imports <c>./wasmnn/index.js</c>.
/// </summary>
internal static class WebLoader
{
    /// <summary>The folder created beside the module.</summary>
    public const string DirectoryName = "wasmnn";

    /// <summary>The module a page imports.</summary>
    public const string EntryModule = "index.js";

    private const string ResourcePrefix = "wasmnn-js/";

    /// <summary>The loader folder for a module written at <paramref name="wasmPath"/>.</summary>
    public static string DirectoryBeside(string wasmPath) => Path.Combine(Path.GetDirectoryName(wasmPath) ?? "", DirectoryName);

    private const string HostPrefix = "wasmnn-host/";

    /// <summary>The loader's files: name and content.</summary>
    public static IEnumerable<(string Name, byte[] Content)> Files() => Resources(ResourcePrefix);

    /// <summary>
    /// Writes the loader into <paramref name="directory"/>/wasmnn and the host script <paramref name="script"/>
    /// (src/WasmNN.Cli/Hosts, which imports <c>./wasmnn/index.js</c>) beside it; returns the script's path.
    /// </summary>
    public static string WriteHost(string directory, string script)
    {
        foreach (var (name, content) in Files())
        {
            AtomicFile.Write(Path.Combine(directory, DirectoryName, name), content);
        }
        var (_, source) = Resources(HostPrefix).Single(r => r.Name == script);
        var path = Path.Combine(directory, script);
        AtomicFile.Write(path, source);
        return path;
    }

    private static IEnumerable<(string Name, byte[] Content)> Resources(string prefix)
    {
        var assembly = typeof(WebLoader).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            yield return (resource[prefix.Length..], copy.ToArray());
        }
    }

    /// <summary>Writes every loader file into <see cref="DirectoryBeside"/>, replacing older copies.</summary>
    public static void WriteBeside(string wasmPath)
    {
        var directory = DirectoryBeside(wasmPath);
        foreach (var (name, content) in Files())
        {
            AtomicFile.Write(Path.Combine(directory, name), content);
        }
    }
}
