namespace WasmNN.Wasi;

/// <summary>A guest path resolved to a symlink-free location under a sandbox root.</summary>
internal sealed class ResolvedPath(SandboxRoot root, List<string> parts, bool trailingSlash)
{
    public SandboxRoot Root { get; } = root;

    /// <summary>Components from the root; empty for the root itself.</summary>
    public List<string> Parts { get; } = parts;

    /// <summary>The guest wrote <c>name/</c>: the target must be a directory.</summary>
    public bool TrailingSlash { get; } = trailingSlash;

    public string HostPath => Root.HostPathOf(Parts);
    public bool IsRoot => Parts.Count == 0;
}

/// <summary>
/// Resolves guest paths one component at a time, never letting the host resolve a symlink or <c>..</c>:
/// <c>..</c> above the root, absolute paths, and symlinks (file or directory) whose target leaves the root
/// all fail with <see cref="Errno.Notcapable"/>. This is stricter than Node's WASI, which lets the host
/// kernel follow directory symlinks.
/// </summary>
/// <remarks>
/// The walk checks each component, then the operation uses the resulting host path: a host process racing
/// to swap a checked directory for a symlink could still redirect one operation (there is no portable
/// <c>openat(O_NOFOLLOW)</c> in .NET). The guest itself cannot race: it is single-threaded.
/// </remarks>
internal static class PathResolver
{
    /// <summary>The Linux limit (<c>MAXSYMLINKS</c>): more hops give <see cref="Errno.Loop"/>.</summary>
    public const int MaxSymlinkHops = 40;

    /// <param name="start">Directory the path is relative to.</param>
    /// <param name="path">The guest path.</param>
    /// <param name="followFinal">Resolve a symlink in the last component (<c>SYMLINK_FOLLOW</c>).</param>
    /// <param name="resolved">The location, when the result is <see cref="Errno.Success"/>.</param>
    public static Errno Resolve(DirectoryDescriptor start, string path, bool followFinal, out ResolvedPath resolved)
    {
        resolved = null!;
        if (path.Length == 0) return Errno.Noent;
        if (path.Contains('\0')) return Errno.Inval;
        if (path[0] == '/') return Errno.Notcapable;

        var trailingSlash = path[^1] == '/';
        followFinal |= trailingSlash;
        var root = start.Root;
        var parts = new List<string>(start.Parts);
        var pending = new Stack<string>();
        PushComponents(pending, path);
        var hops = 0;

        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name is "" or ".") continue;
            if (name == "..")
            {
                if (parts.Count == 0) return Errno.Notcapable;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            var isLast = !pending.Any(p => p is not ("" or "."));
            parts.Add(name);
            if (isLast && !followFinal) break;

            var hostPath = root.HostPathOf(parts);
            var target = new FileInfo(hostPath).LinkTarget;
            if (target is not null)
            {
                if (++hops > MaxSymlinkHops) return Errno.Loop;
                parts.RemoveAt(parts.Count - 1);
                if (target.Length == 0) return Errno.Noent;
                if (Path.IsPathRooted(target))
                {
                    // An absolute target is only usable when it names a place inside this root.
                    if (!TryRelativeToRoot(root, target, out var inside)) return Errno.Notcapable;
                    parts.Clear();
                    target = inside;
                }
                if (trailingSlash && isLast) target += "/";
                PushComponents(pending, target);
                continue;
            }

            if (!isLast || trailingSlash)
            {
                if (Directory.Exists(hostPath)) continue;
                if (isLast && !File.Exists(hostPath)) break; // "newdir/" for mkdir: the caller decides.
                return File.Exists(hostPath) ? Errno.Notdir : Errno.Noent;
            }
        }

        resolved = new ResolvedPath(root, parts, trailingSlash);
        return Errno.Success;
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var components = path.Split('/');
        for (var i = components.Length - 1; i >= 0; i--) pending.Push(components[i]);
    }

    private static bool TryRelativeToRoot(SandboxRoot root, string absolute, out string relative)
    {
        foreach (var prefix in new[] { root.HostPath, root.RealHostPath })
        {
            if (absolute == prefix)
            {
                relative = ".";
                return true;
            }
            if (absolute.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                relative = absolute[(prefix.Length + 1)..];
                return true;
            }
        }
        relative = "";
        return false;
    }
}
