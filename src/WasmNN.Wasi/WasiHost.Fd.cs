using System.Text;

namespace WasmNN.Wasi;

// fd_*: byte I/O, positions, descriptor and file status, preopen discovery, directory listing.
public sealed partial class WasiHost
{
    internal Errno FdRead(GuestMemory memory, int fd, uint iovs, uint iovCount, uint readPtr)
    {
        var status = Get<Descriptor>(fd, Rights.FdRead, out var d);
        if (status != Errno.Success) return status;
        var vectors = CapTransfer(memory.ReadIovecs(iovs, iovCount));
        memory.Slice(readPtr, 4);
        ulong total = 0;
        switch (d)
        {
            case FileDescriptor file:
                foreach (var (address, length) in vectors)
                {
                    var n = RandomAccess.Read(file.Handle, memory.Slice(address, length), file.Position);
                    file.Position += n;
                    total += (ulong)n;
                    if (n < length) break;
                }
                break;
            case StreamDescriptor { Stream.CanRead: true } stream:
                // One read per call at most returns what is available, so an interactive line comes back at once.
                foreach (var (address, length) in vectors)
                {
                    if (length == 0) continue;
                    var n = stream.Stream.Read(memory.Slice(address, length));
                    total += (ulong)n;
                    break;
                }
                break;
            case DirectoryDescriptor:
                return Errno.Isdir;
            default:
                return Errno.Badf;
        }
        memory.WriteU32(readPtr, (uint)total);
        return Errno.Success;
    }

    /// <summary>The buffers cut to <see cref="WasiOptions.MaxTransferBytes"/> in total: a short transfer, as WASI allows.</summary>
    private (uint Address, uint Length)[] CapTransfer((uint Address, uint Length)[] vectors)
    {
        if (Options.MaxTransferBytes is not { } cap) return vectors;
        var left = (uint)Math.Max(cap, 1);
        var capped = new List<(uint, uint)>();
        foreach (var (address, length) in vectors)
        {
            if (left == 0) break;
            var n = Math.Min(length, left);
            capped.Add((address, n));
            left -= n;
        }
        return [.. capped];
    }

    internal Errno FdWrite(GuestMemory memory, int fd, uint iovs, uint iovCount, uint writtenPtr)
    {
        var status = Get<Descriptor>(fd, Rights.FdWrite, out var d);
        if (status != Errno.Success) return status;
        var vectors = CapTransfer(memory.ReadIovecs(iovs, iovCount));
        memory.Slice(writtenPtr, 4);
        ulong total = 0;
        switch (d)
        {
            case FileDescriptor file:
                if ((file.Flags & FdFlags.Append) != 0) file.Position = RandomAccess.GetLength(file.Handle);
                foreach (var (address, length) in vectors)
                {
                    RandomAccess.Write(file.Handle, memory.Slice(address, length), file.Position);
                    file.Position += length;
                    total += length;
                }
                break;
            case StreamDescriptor { Stream.CanWrite: true } stream:
                foreach (var (address, length) in vectors)
                {
                    stream.Stream.Write(memory.Slice(address, length));
                    total += length;
                }
                stream.Stream.Flush();
                break;
            case DirectoryDescriptor:
                return Errno.Isdir;
            default:
                return Errno.Badf;
        }
        memory.WriteU32(writtenPtr, (uint)total);
        return Errno.Success;
    }

    internal Errno FdPread(GuestMemory memory, int fd, uint iovs, uint iovCount, ulong offset, uint readPtr)
    {
        var status = GetPositional(fd, Rights.FdRead, offset, out var file);
        if (status != Errno.Success) return status;
        var vectors = memory.ReadIovecs(iovs, iovCount);
        memory.Slice(readPtr, 4);
        var position = (long)offset;
        foreach (var (address, length) in vectors)
        {
            var n = RandomAccess.Read(file.Handle, memory.Slice(address, length), position);
            position += n;
            if (n < length) break;
        }
        memory.WriteU32(readPtr, (uint)(position - (long)offset));
        return Errno.Success;
    }

    internal Errno FdPwrite(GuestMemory memory, int fd, uint iovs, uint iovCount, ulong offset, uint writtenPtr)
    {
        var status = GetPositional(fd, Rights.FdWrite, offset, out var file);
        if (status != Errno.Success) return status;
        var vectors = memory.ReadIovecs(iovs, iovCount);
        memory.Slice(writtenPtr, 4);
        var position = (long)offset;
        foreach (var (address, length) in vectors)
        {
            RandomAccess.Write(file.Handle, memory.Slice(address, length), position);
            position += length;
        }
        memory.WriteU32(writtenPtr, (uint)(position - (long)offset));
        return Errno.Success;
    }

    /// <summary>pread/pwrite/seek need a regular file: streams cannot seek, directories have no bytes.</summary>
    private Errno GetPositional(int fd, Rights needed, ulong offset, out FileDescriptor file)
    {
        file = null!;
        if (!_fds.TryGet(fd, out var d)) return Errno.Badf;
        if (d is StreamDescriptor) return Errno.Spipe;
        var status = Get(fd, needed, out file);
        if (status != Errno.Success) return status;
        return offset > long.MaxValue ? Errno.Inval : Errno.Success;
    }

    internal Errno FdSeek(GuestMemory memory, int fd, long offset, byte whence, uint newOffsetPtr)
    {
        var status = GetPositional(fd, Rights.FdSeek, 0, out var file);
        if (status != Errno.Success) return status;
        long origin = whence switch
        {
            Layout.WhenceSet => 0,
            Layout.WhenceCur => file.Position,
            Layout.WhenceEnd => RandomAccess.GetLength(file.Handle),
            _ => -1,
        };
        if (origin < 0) return Errno.Inval;
        var target = origin + offset;
        if (offset > 0 && target < origin) return Errno.Overflow;
        if (target < 0) return Errno.Inval;
        memory.WriteU64(newOffsetPtr, (ulong)target);
        file.Position = target;
        return Errno.Success;
    }

    internal Errno FdTell(GuestMemory memory, int fd, uint offsetPtr)
    {
        var status = GetPositional(fd, Rights.FdTell, 0, out var file);
        if (status != Errno.Success) return status;
        memory.WriteU64(offsetPtr, (ulong)file.Position);
        return Errno.Success;
    }

    internal Errno FdClose(int fd)
    {
        if (_fds.Remove(fd) is not { } d) return Errno.Badf;
        d.Dispose();
        return Errno.Success;
    }

    internal Errno FdSync(int fd)
    {
        if (!_fds.TryGet(fd, out var d)) return Errno.Badf;
        switch (d)
        {
            case FileDescriptor file:
                RandomAccess.FlushToDisk(file.Handle);
                break;
            case StreamDescriptor { Stream.CanWrite: true } stream:
                stream.Stream.Flush();
                break;
        }
        return Errno.Success;
    }

    internal Errno FdFdstatGet(GuestMemory memory, int fd, uint statPtr)
    {
        if (!_fds.TryGet(fd, out var d)) return Errno.Badf;
        var stat = memory.Slice(statPtr, Layout.FdstatSize);
        stat.Clear();
        memory.WriteU8(statPtr, (byte)d.Type);
        memory.WriteU16(statPtr + 2, (ushort)d.Flags);
        memory.WriteU64(statPtr + 8, (ulong)d.RightsBase);
        memory.WriteU64(statPtr + 16, (ulong)d.RightsInheriting);
        return Errno.Success;
    }

    /// <summary>Only <c>APPEND</c> changes behaviour; the sync flags hold anyway (writes go straight to the OS).</summary>
    internal Errno FdFdstatSetFlags(int fd, ushort flags)
    {
        if (!_fds.TryGet(fd, out var d)) return Errno.Badf;
        if ((flags & ~0x1F) != 0) return Errno.Inval;
        d.Flags = (FdFlags)flags;
        return Errno.Success;
    }

    internal Errno FdFilestatGet(GuestMemory memory, int fd, uint statPtr)
    {
        if (!_fds.TryGet(fd, out var d)) return Errno.Badf;
        memory.Slice(statPtr, Layout.FilestatSize);
        switch (d)
        {
            case FileDescriptor file:
                WriteFilestat(memory, statPtr, FileType.RegularFile, InodeOf(file.HostPath), (ulong)RandomAccess.GetLength(file.Handle),
                    File.GetLastAccessTimeUtc(file.Handle), File.GetLastWriteTimeUtc(file.Handle), File.GetLastWriteTimeUtc(file.Handle));
                break;
            case DirectoryDescriptor dir:
                var info = new DirectoryInfo(dir.HostPath);
                WriteFilestat(memory, statPtr, FileType.Directory, InodeOf(dir.HostPath), 0,
                    info.LastAccessTimeUtc, info.LastWriteTimeUtc, info.LastWriteTimeUtc);
                break;
            default:
                WriteFilestat(memory, statPtr, d.Type, (ulong)fd + 1, 0, DateTime.UnixEpoch, DateTime.UnixEpoch, DateTime.UnixEpoch);
                break;
        }
        return Errno.Success;
    }

    private static void WriteFilestat(GuestMemory memory, uint statPtr, FileType type, ulong inode, ulong size,
        DateTime accessed, DateTime modified, DateTime changed)
    {
        memory.Slice(statPtr, Layout.FilestatSize).Clear();
        memory.WriteU64(statPtr + 8, inode);
        memory.WriteU8(statPtr + 16, (byte)type);
        memory.WriteU64(statPtr + 24, 1);
        memory.WriteU64(statPtr + 32, size);
        memory.WriteU64(statPtr + 40, Nanoseconds(accessed));
        memory.WriteU64(statPtr + 48, Nanoseconds(modified));
        memory.WriteU64(statPtr + 56, Nanoseconds(changed));
    }

    private static ulong Nanoseconds(DateTime utc) =>
        utc <= DateTime.UnixEpoch ? 0 : (ulong)(utc - DateTime.UnixEpoch).Ticks * NanosecondsPerTick;

    internal Errno FdPrestatGet(GuestMemory memory, int fd, uint prestatPtr)
    {
        if (!_fds.TryGet(fd, out var d) || d is not DirectoryDescriptor { PreopenName: { } name }) return Errno.Badf;
        memory.Slice(prestatPtr, 8).Clear();
        memory.WriteU32(prestatPtr + 4, (uint)Encoding.UTF8.GetByteCount(name));
        return Errno.Success;
    }

    internal Errno FdPrestatDirName(GuestMemory memory, int fd, uint pathPtr, uint pathLength)
    {
        if (!_fds.TryGet(fd, out var d) || d is not DirectoryDescriptor { PreopenName: { } name }) return Errno.Badf;
        var bytes = Encoding.UTF8.GetBytes(name);
        if (pathLength < bytes.Length) return Errno.Nametoolong;
        bytes.CopyTo(memory.Slice(pathPtr, (uint)bytes.Length));
        return Errno.Success;
    }

    /// <summary>
    /// Writes dirents from <paramref name="cookie"/> (an index into a listing snapshotted at cookie 0) until
    /// the buffer is full; the last one may be cut short, which tells wasi-libc to call again with a bigger
    /// buffer. Like Node, <c>.</c> and <c>..</c> are not listed.
    /// </summary>
    internal Errno FdReaddir(GuestMemory memory, int fd, uint bufferPtr, uint bufferLength, ulong cookie, uint usedPtr)
    {
        var status = Get<DirectoryDescriptor>(fd, Rights.FdReaddir, out var dir);
        if (status != Errno.Success) return status;
        var buffer = memory.Slice(bufferPtr, bufferLength);
        memory.Slice(usedPtr, 4);
        if (cookie == 0 || dir.Listing is null) dir.Listing = ListDirectory(dir.HostPath);

        var used = 0;
        Span<byte> header = stackalloc byte[Layout.DirentHeaderSize];
        for (var i = cookie; i < (ulong)dir.Listing.Count && used < buffer.Length; i++)
        {
            var entry = dir.Listing[(int)i];
            var name = Encoding.UTF8.GetBytes(entry.Name);
            header.Clear();
            var h = new GuestMemory(header);
            h.WriteU64(0, i + 1);
            h.WriteU64(8, entry.Inode);
            h.WriteU32(16, (uint)name.Length);
            h.WriteU8(20, (byte)entry.Type);
            used += CopyTruncated(header, buffer[used..]);
            used += CopyTruncated(name, buffer[used..]);
        }
        memory.WriteU32(usedPtr, (uint)used);
        return Errno.Success;
    }

    private static int CopyTruncated(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = Math.Min(source.Length, destination.Length);
        source[..n].CopyTo(destination);
        return n;
    }

    /// <summary>
    /// The entries with <c>.</c> and <c>..</c> first, as POSIX readdir, wasmtime and the WASI test suite's
    /// fd_readdir test expect (Node's WASI leaves them out).
    /// </summary>
    private static List<DirectoryEntry> ListDirectory(string hostPath) =>
    [
        new(".", FileType.Directory, InodeOf(hostPath)),
        new("..", FileType.Directory, InodeOf(Path.GetDirectoryName(hostPath) ?? hostPath)),
        .. new DirectoryInfo(hostPath).EnumerateFileSystemInfos("*", new EnumerationOptions
        {
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            RecurseSubdirectories = false,
            ReturnSpecialDirectories = false,
        }).Select(info => new DirectoryEntry(info.Name, TypeOf(info), InodeOf(info.FullName))),
    ];

    private static FileType TypeOf(FileSystemInfo info) =>
        (info.Attributes & FileAttributes.ReparsePoint) != 0 ? FileType.SymbolicLink
        : info is DirectoryInfo ? FileType.Directory
        : FileType.RegularFile;
}
