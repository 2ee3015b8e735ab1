using System.Text.Json;

namespace WasmNN.Wasm.Tests.Spec;

/// <summary>One command of a wabt JSON spec script that names a binary module.</summary>
public sealed record SpecModuleCommand(string Script, string Type, string FilePath, string? Text, string? ModuleType, int Line)
{
    public override string ToString() => $"{Path.GetFileName(FilePath)} (line {Line}, {Type}{(Text is null ? "" : ": " + Text)})";
}

/// <summary>
/// Locates the shared spec suite (../shared/wasm-spec beside the repository root, which is the folder holding
/// WasmNN.slnx) and lists the module commands of its JSON scripts.
/// </summary>
public static class SpecSuite
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Folder(string name) => Path.Combine(Root, name);

    /// <summary>Every command of every script in <paramref name="folders"/> that refers to a .wasm file.</summary>
    public static IEnumerable<SpecModuleCommand> ModuleCommands(params string[] folders)
    {
        foreach (var folder in folders)
        {
            foreach (var json in Directory.EnumerateFiles(Folder(folder), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
                var dir = Path.GetDirectoryName(json)!;
                foreach (var cmd in doc.RootElement.GetProperty("commands").EnumerateArray())
                {
                    if (!cmd.TryGetProperty("filename", out var file)) continue;
                    var name = file.GetString()!;
                    if (!name.EndsWith(".wasm", StringComparison.Ordinal)) continue;
                    yield return new SpecModuleCommand(Path.GetFileNameWithoutExtension(json), cmd.GetProperty("type").GetString()!,
                        Path.Combine(dir, name),
                        cmd.TryGetProperty("text", out var text) ? text.GetString() : null,
                        cmd.TryGetProperty("module_type", out var mt) ? mt.GetString() : null,
                        cmd.GetProperty("line").GetInt32());
                }
            }
        }
    }

    private static string FindRoot()
    {
        var root = Path.Combine(RepositoryPaths.Shared, "wasm-spec");
        if (!Directory.Exists(root)) throw new InvalidOperationException($"spec suite not found at {root}");
        return root;
    }
}
