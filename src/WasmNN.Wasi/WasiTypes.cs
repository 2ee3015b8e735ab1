namespace WasmNN.Wasi;

// The preview1 ABI's small types, with the values and layouts of wasi-libc's <wasi/api.h>.

/// <summary>The type of a file descriptor or file (<c>filetype</c>).</summary>
public enum FileType : byte
{
    /// <summary>Unknown, or a type this host does not report.</summary>
    Unknown = 0,
    /// <summary>A block device.</summary>
    BlockDevice = 1,
    /// <summary>A character device (a terminal).</summary>
    CharacterDevice = 2,
    /// <summary>A directory.</summary>
    Directory = 3,
    /// <summary>A regular file.</summary>
    RegularFile = 4,
    /// <summary>A datagram socket.</summary>
    SocketDgram = 5,
    /// <summary>A byte-stream socket (also how pipes are reported).</summary>
    SocketStream = 6,
    /// <summary>A symbolic link.</summary>
    SymbolicLink = 7,
}

/// <summary>File descriptor rights (<c>rights</c>): what operations a descriptor permits.</summary>
[Flags]
public enum Rights : ulong
{
    /// <summary>No rights.</summary>
    None = 0,
    /// <summary><c>fd_datasync</c>.</summary>
    FdDatasync = 1UL << 0,
    /// <summary><c>fd_read</c>, <c>fd_pread</c>.</summary>
    FdRead = 1UL << 1,
    /// <summary><c>fd_seek</c> (implies <see cref="FdTell"/>).</summary>
    FdSeek = 1UL << 2,
    /// <summary><c>fd_fdstat_set_flags</c>.</summary>
    FdFdstatSetFlags = 1UL << 3,
    /// <summary><c>fd_sync</c>.</summary>
    FdSync = 1UL << 4,
    /// <summary><c>fd_tell</c>.</summary>
    FdTell = 1UL << 5,
    /// <summary><c>fd_write</c>, <c>fd_pwrite</c>.</summary>
    FdWrite = 1UL << 6,
    /// <summary><c>fd_advise</c>.</summary>
    FdAdvise = 1UL << 7,
    /// <summary><c>fd_allocate</c>.</summary>
    FdAllocate = 1UL << 8,
    /// <summary><c>path_create_directory</c>.</summary>
    PathCreateDirectory = 1UL << 9,
    /// <summary><c>path_open</c> with <c>O_CREAT</c>.</summary>
    PathCreateFile = 1UL << 10,
    /// <summary><c>path_link</c> source.</summary>
    PathLinkSource = 1UL << 11,
    /// <summary><c>path_link</c> target.</summary>
    PathLinkTarget = 1UL << 12,
    /// <summary><c>path_open</c>.</summary>
    PathOpen = 1UL << 13,
    /// <summary><c>fd_readdir</c>.</summary>
    FdReaddir = 1UL << 14,
    /// <summary><c>path_readlink</c>.</summary>
    PathReadlink = 1UL << 15,
    /// <summary><c>path_rename</c> source.</summary>
    PathRenameSource = 1UL << 16,
    /// <summary><c>path_rename</c> target.</summary>
    PathRenameTarget = 1UL << 17,
    /// <summary><c>path_filestat_get</c>.</summary>
    PathFilestatGet = 1UL << 18,
    /// <summary><c>path_filestat_set_size</c>.</summary>
    PathFilestatSetSize = 1UL << 19,
    /// <summary><c>path_filestat_set_times</c>.</summary>
    PathFilestatSetTimes = 1UL << 20,
    /// <summary><c>fd_filestat_get</c>.</summary>
    FdFilestatGet = 1UL << 21,
    /// <summary><c>fd_filestat_set_size</c>.</summary>
    FdFilestatSetSize = 1UL << 22,
    /// <summary><c>fd_filestat_set_times</c>.</summary>
    FdFilestatSetTimes = 1UL << 23,
    /// <summary><c>path_symlink</c>.</summary>
    PathSymlink = 1UL << 24,
    /// <summary><c>path_remove_directory</c>.</summary>
    PathRemoveDirectory = 1UL << 25,
    /// <summary><c>path_unlink_file</c>.</summary>
    PathUnlinkFile = 1UL << 26,
    /// <summary><c>poll_oneoff</c> on this descriptor.</summary>
    PollFdReadwrite = 1UL << 27,
    /// <summary><c>sock_shutdown</c>.</summary>
    SockShutdown = 1UL << 28,
    /// <summary><c>sock_accept</c>.</summary>
    SockAccept = 1UL << 29,
    /// <summary>Every right defined by preview1.</summary>
    All = (1UL << 30) - 1,
}

/// <summary>Flags of <c>path_open</c> (<c>oflags</c>).</summary>
[Flags]
public enum OpenFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>Create the file if it does not exist.</summary>
    Create = 1 << 0,
    /// <summary>Fail unless the path is a directory.</summary>
    Directory = 1 << 1,
    /// <summary>With <see cref="Create"/>: fail if the file exists.</summary>
    Exclusive = 1 << 2,
    /// <summary>Truncate to size 0.</summary>
    Truncate = 1 << 3,
}

/// <summary>File descriptor flags (<c>fdflags</c>).</summary>
[Flags]
public enum FdFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>Every write goes to the end of the file.</summary>
    Append = 1 << 0,
    /// <summary>Synchronised data writes.</summary>
    Dsync = 1 << 1,
    /// <summary>Non-blocking mode.</summary>
    Nonblock = 1 << 2,
    /// <summary>Synchronised reads.</summary>
    Rsync = 1 << 3,
    /// <summary>Synchronised writes.</summary>
    Sync = 1 << 4,
}

/// <summary>Clock identifiers (<c>clockid</c>).</summary>
public enum ClockId : uint
{
    /// <summary>Wall-clock time since 1970-01-01 UTC.</summary>
    Realtime = 0,
    /// <summary>A clock that never goes backwards, from an arbitrary origin.</summary>
    Monotonic = 1,
    /// <summary>CPU time consumed by the process.</summary>
    ProcessCputime = 2,
    /// <summary>CPU time consumed by the thread (reported as process CPU time).</summary>
    ThreadCputime = 3,
}

/// <summary>Sizes and field offsets of the preview1 structures this host reads or writes.</summary>
internal static class Layout
{
    public const int IovecSize = 8;
    public const int FdstatSize = 24;
    public const int FilestatSize = 64;
    public const int DirentHeaderSize = 24;
    public const int SubscriptionSize = 48;
    public const int EventSize = 32;

    public const byte EventTypeClock = 0;
    public const byte EventTypeFdRead = 1;
    public const byte EventTypeFdWrite = 2;
    public const ushort SubscriptionClockAbstime = 1;
    public const int LookupSymlinkFollow = 1;

    public const int WhenceSet = 0;
    public const int WhenceCur = 1;
    public const int WhenceEnd = 2;
}
