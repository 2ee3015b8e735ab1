namespace WasmNN.Tests;

/// <summary>
/// A checked-in folder of inputs a fuzz test once failed on. Later runs replay every file in it before new cases;
/// a new failure is saved here (named by kind and case seed) so it stays a regression test once fixed.
/// </summary>
internal sealed class RegressionFolder(string relativePath)
{
    /// <summary>The folder in the source tree (not the build output), so saved cases can be committed.</summary>
    public string Path { get; } = System.IO.Path.Combine(RepositoryPaths.Root, relativePath);

    /// <summary>The saved cases whose name starts with <paramref name="prefix"/>, in name order.</summary>
    public IReadOnlyList<string> Files(string prefix) =>
        Directory.Exists(Path)
            ? [.. Directory.EnumerateFiles(Path, prefix + "*").Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// Where a file named <paramref name="name"/> goes in the folder, creating the folder first: a clean checkout has
    /// none until a regression is saved (git keeps no empty folders).
    /// </summary>
    public string FilePath(string name)
    {
        Directory.CreateDirectory(Path);
        return System.IO.Path.Combine(Path, name);
    }

    /// <summary>Saves a failing input and returns where.</summary>
    public string Save(string name, byte[] bytes)
    {
        var file = FilePath(name);
        File.WriteAllBytes(file, bytes);
        return file;
    }
}
