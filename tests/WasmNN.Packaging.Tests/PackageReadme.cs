namespace WasmNN.Packaging.Tests;

/// <summary>A package's README (the README.md beside its project, packed as the package's readme).</summary>
internal static class PackageReadme
{
    /// <summary>The first ```csharp block of src/<paramref name="project"/>/README.md: tests build it as a user would copy it.</summary>
    public static string CSharpSample(string project)
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", project, "README.md");
        var lines = File.ReadAllLines(path);
        var block = lines.SkipWhile(l => l.Trim() != "```csharp").Skip(1).TakeWhile(l => l.Trim() != "```").ToArray();
        Assert.True(block.Length > 0, $"{path} has no ```csharp block");
        return string.Join('\n', block) + "\n";
    }
}
