namespace WasmNN.Onnx;

/// <summary>
/// Paths with every symbolic link resolved (as POSIX <c>realpath</c>), so that two spellings of one file compare
/// equal and a path can be checked to lie inside a folder: the sandbox for ONNX external data, and the CLI's refusal
/// to write its output over its input.
/// </summary>
public static class ResolvedPath
{
    /// <summary>How many links one resolution may follow before it is taken as a loop (Linux's ELOOP limit).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The absolute path of <paramref name="path"/> with each existing component's symbolic links followed.
    /// Components that do not exist yet are kept as written.
    /// </summary>
    /// <exception cref="IOException">A loop of symbolic links.</exception>
    public static string Of(string path)
    {
        var links = 0;
        return Resolve(path, ref links);
    }

    /// <summary>True when <paramref name="path"/> (resolved) is <paramref name="directory"/> (resolved) or lies below it.</summary>
    public static bool IsInside(string path, string directory)
    {
        var root = Path.TrimEndingDirectorySeparator(Of(directory));
        var resolved = Of(path);
        return resolved == root || resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || (root.Length > 0 && root[^1] == Path.DirectorySeparatorChar && resolved.StartsWith(root, StringComparison.Ordinal));
    }

    private static string Resolve(string path, ref int links)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"{path}: too many levels of symbolic links");
                }
                // The link's own folder (current) is already resolved, so a relative target is read against it.
                next = Resolve(Path.Combine(current, target), ref links);
            }
            current = next;
        }
        return current;
    }
}
