using System.Text;

namespace WasmNN.Wasi;

/// <summary>
/// The WASI preview1 state of one guest: arguments, environment, clocks and a descriptor table whose
/// directories are capability-sandboxed preopens. Engine-neutral: each call gets the guest memory as a
/// span, so any engine can bind <see cref="Functions"/> as host imports.
/// </summary>
/// <remarks>
/// Not thread-safe: one guest, one thread, as WASI preview1 commands are. Disposing closes every file
/// the guest left open (stdio streams belong to the embedder and stay open).
/// </remarks>
public sealed partial class WasiHost : IDisposable
{
    /// <summary>The import module name every preview1 function lives in.</summary>
    public const string ModuleName = "wasi_snapshot_preview1";

    private readonly DescriptorTable _fds = new();
    private readonly byte[][] _arguments;
    private readonly byte[][] _environment;

    /// <summary>Sets up fds 0-2 from the options' stdio and fds 3.. from its preopens.</summary>
    /// <exception cref="DirectoryNotFoundException">A preopened host directory does not exist.</exception>
    public WasiHost(WasiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _arguments = [.. options.Arguments.Select(EncodeNulTerminated)];
        _environment = [.. options.Environment.Select(EncodeNulTerminated)];

        _fds.Add(new StreamDescriptor(options.Stdin.Stream, options.Stdin.IsTerminal) { RightsBase = StdioRights(options.Stdin) });
        _fds.Add(new StreamDescriptor(options.Stdout.Stream, options.Stdout.IsTerminal) { RightsBase = StdioRights(options.Stdout) });
        _fds.Add(new StreamDescriptor(options.Stderr.Stream, options.Stderr.IsTerminal) { RightsBase = StdioRights(options.Stderr) });
        foreach (var preopen in options.Preopens)
        {
            if (!Directory.Exists(preopen.HostPath))
                throw new DirectoryNotFoundException($"preopened directory '{preopen.HostPath}' does not exist");
            var root = new SandboxRoot(preopen.HostPath);
            _fds.Add(new DirectoryDescriptor(root, [], preopen.GuestPath) { RightsBase = DirectoryRights, RightsInheriting = Rights.All });
        }
    }

    /// <summary>The options this host was created with.</summary>
    public WasiOptions Options { get; }

    /// <summary>Every preview1 function, in the order of the preview1 witx; unimplemented ones answer <see cref="Errno.Nosys"/>.</summary>
    public static IReadOnlyList<WasiFunction> Functions => WasiFunctionTable.All;

    /// <summary>Closes every descriptor the guest still holds.</summary>
    public void Dispose() => _fds.Dispose();

    /// <summary>Rights a directory descriptor has: everything except byte I/O on the directory itself.</summary>
    internal const Rights DirectoryRights = Rights.All & ~(Rights.FdRead | Rights.FdWrite | Rights.FdSeek | Rights.FdTell
        | Rights.FdDatasync | Rights.FdSync | Rights.FdAllocate | Rights.FdAdvise | Rights.FdFilestatSetSize);

    /// <summary>Rights meaningful on a regular file.</summary>
    internal const Rights FileRights = Rights.FdDatasync | Rights.FdRead | Rights.FdSeek | Rights.FdFdstatSetFlags
        | Rights.FdSync | Rights.FdTell | Rights.FdWrite | Rights.FdAdvise | Rights.FdAllocate | Rights.FdFilestatGet
        | Rights.FdFilestatSetSize | Rights.FdFilestatSetTimes | Rights.PollFdReadwrite;

    private static Rights StdioRights(WasiStream stdio)
    {
        var rights = Rights.FdFdstatSetFlags | Rights.FdFilestatGet | Rights.PollFdReadwrite;
        if (stdio.Stream.CanRead) rights |= Rights.FdRead;
        if (stdio.Stream.CanWrite) rights |= Rights.FdWrite | Rights.FdSync | Rights.FdDatasync;
        return rights;
    }

    private static byte[] EncodeNulTerminated(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>
    /// A stable, non-zero stand-in for an inode number (.NET exposes none): a hash of the host path, the same
    /// in <c>fd_readdir</c> and the stat calls, so programs comparing them agree.
    /// </summary>
    internal static ulong InodeOf(string hostPath)
    {
        var hash = 14695981039346656037UL; // FNV-1a
        foreach (var c in hostPath) hash = (hash ^ c) * 1099511628211UL;
        return hash == 0 ? 1 : hash;
    }

    /// <summary>Looks up <paramref name="fd"/> as a <typeparamref name="T"/> holding <paramref name="needed"/>.</summary>
    private Errno Get<T>(int fd, Rights needed, out T descriptor) where T : Descriptor
    {
        descriptor = null!;
        if (!_fds.TryGet(fd, out var d)) return Errno.Badf;
        if (d is not T typed)
        {
            if (typeof(T) == typeof(DirectoryDescriptor)) return Errno.Notdir;
            return d is DirectoryDescriptor ? Errno.Isdir : Errno.Badf;
        }
        if ((d.RightsBase & needed) != needed && d is not DirectoryDescriptor) return Errno.Notcapable;
        descriptor = typed;
        return Errno.Success;
    }
}
