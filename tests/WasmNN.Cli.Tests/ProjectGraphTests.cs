using System.Xml.Linq;

namespace WasmNN.Cli.Tests;

/// <summary>
/// The src project graph read from the .csproj files: the layering docs/ARCHITECTURE.md draws must be the one the
/// build uses (the compiler writes modules and never runs them; running them is WasmNN.Runtime's job).
/// </summary>
public sealed class ProjectGraphTests
{
    private static readonly Dictionary<string, string[]> s_references = ReadSourceProjects();

    [Fact]
    public void Compiler_DoesNotReachEngine_EvenTransitively()
    {
        var reached = Reachable("WasmNN.Compiler");
        Assert.DoesNotContain("WasmNN.Engine", reached);
        Assert.DoesNotContain("WasmNN.Wasi", reached);
        Assert.DoesNotContain("WasmNN.Runtime", reached);
    }

    [Fact]
    public void FormatLibrary_ReferencesNoOtherProject()
    {
        Assert.Empty(s_references["WasmNN.Wasm"]);
    }

    [Fact]
    public void SourceProjects_FormNoCycle()
    {
        foreach (var project in s_references.Keys)
        {
            Assert.False(Reachable(project).Contains(project), $"{project} reaches itself through its references");
        }
    }

    [Fact]
    public void ArchitectureDoc_ListsEveryDirectReference()
    {
        var documented = ReadDocumentedGraph();
        Assert.Equal(
            s_references.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} -> {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"),
            documented.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} -> {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"));
    }

    private static HashSet<string> Reachable(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(s_references[project]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var reference in s_references.GetValueOrDefault(next, [])) pending.Push(reference);
            }
        }
        return seen;
    }

    /// <summary>Project name to the names of the projects its .csproj references directly.</summary>
    private static Dictionary<string, string[]> ReadSourceProjects() =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetFileNameWithoutExtension(path),
            path => XDocument.Load(path).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToArray(),
            StringComparer.Ordinal);

    /// <summary>The "A -> B, C" lines of the first fenced block after "## Project graph" in docs/ARCHITECTURE.md.</summary>
    private static Dictionary<string, string[]> ReadDocumentedGraph()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "ARCHITECTURE.md"));
        var block = lines.SkipWhile(l => l.Trim() != "## Project graph").SkipWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal));
        return block.Where(l => l.Contains("->", StringComparison.Ordinal)).ToDictionary(
            l => l.Split("->")[0].Trim(),
            l => l.Split("->")[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(r => r != "(none)").ToArray(),
            StringComparer.Ordinal);
    }
}
