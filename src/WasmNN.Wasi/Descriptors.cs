using Microsoft.Win32.SafeHandles;

namespace WasmNN.Wasi;

/// <summary>One entry of the guest's file descriptor table.</summary>
internal abstract class Descriptor : IDisposable
{
    public abstract FileType Type { get; }
    public Rights RightsBase { get; init; }
    public Rights RightsInheriting { get; init; }
    public FdFlags Flags { get; set; }

    public virtual void Dispose() { }
}

/// <summary>A stdio stream (stdin, stdout or stderr): not seekable, owned by the embedder.</summary>
internal sealed class StreamDescriptor(Stream stream, bool isTerminal) : Descriptor
{
    public Stream Stream { get; } = stream;

    /// <summary>
    /// wasi-libc's <c>isatty</c> is "character device without seek/tell rights"; a redirected stream reports
    /// unknown type so the guest buffers output fully, as a native program would.
    /// </summary>
    public override FileType Type => isTerminal ? FileType.CharacterDevice : FileType.Unknown;
}

/// <summary>An open regular file; the position is ours so <c>fd_pread</c>/<c>fd_pwrite</c> can leave it alone.</summary>
internal sealed class FileDescriptor(SafeFileHandle handle, string hostPath) : Descriptor
{
    public SafeFileHandle Handle { get; } = handle;
    public string HostPath { get; } = hostPath;
    public long Position { get; set; }

    public override FileType Type => FileType.RegularFile;

    public override void Dispose()
    {
        Handle.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// An open directory inside a sandbox root. <see cref="Parts"/> is its symlink-free path relative to the
/// root, which is what path resolution starts from.
/// </summary>
internal sealed class DirectoryDescriptor(SandboxRoot root, IReadOnlyList<string> parts, string? preopenName) : Descriptor
{
    public SandboxRoot Root { get; } = root;
    public IReadOnlyList<string> Parts { get; } = parts;

    /// <summary>The guest-visible name for <c>fd_prestat_dir_name</c>; null for directories the guest opened.</summary>
    public string? PreopenName { get; } = preopenName;

    public string HostPath => Root.HostPathOf(Parts);

    /// <summary>Snapshot taken by <c>fd_readdir</c> at cookie 0, so cookies stay stable across calls.</summary>
    public List<DirectoryEntry>? Listing { get; set; }

    public override FileType Type => FileType.Directory;
}

/// <summary>One directory entry as reported by <c>fd_readdir</c>.</summary>
internal readonly record struct DirectoryEntry(string Name, FileType Type, ulong Inode);

/// <summary>A preopened host directory: everything the guest reaches through it stays under <see cref="HostPath"/>.</summary>
internal sealed class SandboxRoot
{
    public SandboxRoot(string hostPath)
    {
        HostPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        var real = Directory.ResolveLinkTarget(HostPath, returnFinalTarget: true)?.FullName;
        RealHostPath = real is null ? HostPath : Path.TrimEndingDirectorySeparator(real);
    }

    public string HostPath { get; }

    /// <summary>The root with its own symlinks resolved, to recognise absolute link targets that stay inside.</summary>
    public string RealHostPath { get; }

    public string HostPathOf(IReadOnlyList<string> parts) =>
        parts.Count == 0 ? HostPath : Path.Join(HostPath, string.Join(Path.DirectorySeparatorChar, parts));
}

/// <summary>The guest's descriptor table: numbers are allocated lowest-free first, as POSIX does.</summary>
internal sealed class DescriptorTable : IDisposable
{
    /// <summary>Bounds host resources a guest can pin by opening files in a loop.</summary>
    public const int MaxDescriptors = 1024;

    private readonly List<Descriptor?> _entries = [];

    public bool TryGet(int fd, out Descriptor descriptor)
    {
        descriptor = null!;
        if (fd < 0 || fd >= _entries.Count || _entries[fd] is not { } d) return false;
        descriptor = d;
        return true;
    }

    public int Add(Descriptor descriptor)
    {
        var free = _entries.IndexOf(null);
        if (free >= 0)
        {
            _entries[free] = descriptor;
            return free;
        }
        if (_entries.Count >= MaxDescriptors) return -1;
        _entries.Add(descriptor);
        return _entries.Count - 1;
    }

    public Descriptor? Remove(int fd)
    {
        if (fd < 0 || fd >= _entries.Count) return null;
        var d = _entries[fd];
        _entries[fd] = null;
        return d;
    }

    public void Dispose()
    {
        foreach (var d in _entries) d?.Dispose();
        _entries.Clear();
    }
}
