namespace WasmNN.Wasi;

// path_*: every operation first resolves its path through PathResolver, so nothing outside a preopen is
// reachable; the checks before each .NET call reproduce the POSIX errno a native program would see.
public sealed partial class WasiHost
{
    private Errno ResolveGuestPath(GuestMemory memory, int dirFd, uint pathPtr, uint pathLength, bool follow,
        out ResolvedPath resolved, out string guestPath)
    {
        resolved = null!;
        guestPath = "";
        var status = Get<DirectoryDescriptor>(dirFd, Rights.None, out var dir);
        if (status != Errno.Success) return status;
        guestPath = memory.ReadString(pathPtr, pathLength);
        return PathResolver.Resolve(dir, guestPath, follow, out resolved);
    }

    /// <summary>What is at a resolved path, without following a final symlink.</summary>
    private enum Entry { Missing, File, Directory, Symlink }

    private static Entry Probe(string hostPath)
    {
        var info = new FileInfo(hostPath);
        if (info.LinkTarget is not null) return Entry.Symlink;
        if (info.Exists) return Entry.File;
        return Directory.Exists(hostPath) ? Entry.Directory : Entry.Missing;
    }

    internal Errno PathOpen(GuestMemory memory, int dirFd, uint lookupFlags, uint pathPtr, uint pathLength, ushort openFlags,
        Rights rightsBase, Rights rightsInheriting, ushort fdFlags, uint fdPtr)
    {
        var follow = (lookupFlags & Layout.LookupSymlinkFollow) != 0;
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow, out var path, out _);
        if (status != Errno.Success) return status;
        memory.Slice(fdPtr, 4);
        var oflags = (OpenFlags)openFlags;
        var create = (oflags & OpenFlags.Create) != 0;
        var exclusive = create && (oflags & OpenFlags.Exclusive) != 0;
        var wantsWrite = (rightsBase & Rights.FdWrite) != 0;
        var truncate = (oflags & OpenFlags.Truncate) != 0;
        var host = path.HostPath;

        switch (Probe(host))
        {
            case Entry.Symlink: // only reached without SYMLINK_FOLLOW: O_NOFOLLOW on a link
                return exclusive ? Errno.Exist : (oflags & OpenFlags.Directory) != 0 ? Errno.Notdir : Errno.Loop;
            case Entry.Directory:
                if (exclusive) return Errno.Exist;
                if (wantsWrite || truncate || (create && (oflags & OpenFlags.Directory) == 0)) return Errno.Isdir;
                return Install(memory, fdPtr, new DirectoryDescriptor(path.Root, path.Parts, null)
                {
                    RightsBase = rightsBase & DirectoryRights,
                    RightsInheriting = rightsInheriting,
                    Flags = (FdFlags)fdFlags,
                });
            case Entry.File:
                if (exclusive) return Errno.Exist;
                if ((oflags & OpenFlags.Directory) != 0 || path.TrailingSlash) return Errno.Notdir;
                break;
            case Entry.Missing:
                if (!create) return Errno.Noent;
                if ((oflags & OpenFlags.Directory) != 0 || path.TrailingSlash) return Errno.Isdir;
                // .NET refuses to create a file opened read-only; POSIX allows it: create it first.
                File.OpenHandle(host, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete).Dispose();
                break;
        }

        var access = (rightsBase & Rights.FdRead) != 0 ? FileAccess.Read : 0;
        if (wantsWrite) access |= FileAccess.Write;
        if (access == 0) access = FileAccess.Read;
        var handle = File.OpenHandle(host, FileMode.Open, access, FileShare.ReadWrite | FileShare.Delete);
        if (truncate)
        {
            if (!wantsWrite)
            {
                using var writable = File.OpenHandle(host, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.SetLength(writable, 0);
            }
            else
            {
                RandomAccess.SetLength(handle, 0);
            }
        }
        return Install(memory, fdPtr, new FileDescriptor(handle, host)
        {
            RightsBase = rightsBase & FileRights,
            RightsInheriting = rightsInheriting & FileRights,
            Flags = (FdFlags)fdFlags,
        });
    }

    private Errno Install(GuestMemory memory, uint fdPtr, Descriptor descriptor)
    {
        var fd = _fds.Add(descriptor);
        if (fd < 0)
        {
            descriptor.Dispose();
            return Errno.Mfile;
        }
        memory.WriteU32(fdPtr, (uint)fd);
        return Errno.Success;
    }

    internal Errno PathCreateDirectory(GuestMemory memory, int dirFd, uint pathPtr, uint pathLength)
    {
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow: false, out var path, out _);
        if (status != Errno.Success) return status;
        if (path.IsRoot || Probe(path.HostPath) != Entry.Missing) return Errno.Exist;
        Directory.CreateDirectory(path.HostPath);
        return Errno.Success;
    }

    internal Errno PathRemoveDirectory(GuestMemory memory, int dirFd, uint pathPtr, uint pathLength)
    {
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow: false, out var path, out var guestPath);
        if (status != Errno.Success) return status;
        if (guestPath.TrimEnd('/').Split('/')[^1] == ".") return Errno.Inval;
        if (path.IsRoot) return Errno.Busy;
        switch (Probe(path.HostPath))
        {
            case Entry.Missing: return Errno.Noent;
            case Entry.File or Entry.Symlink: return Errno.Notdir;
        }
        if (Directory.EnumerateFileSystemEntries(path.HostPath).Any()) return Errno.Notempty;
        Directory.Delete(path.HostPath);
        return Errno.Success;
    }

    internal Errno PathUnlinkFile(GuestMemory memory, int dirFd, uint pathPtr, uint pathLength)
    {
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow: false, out var path, out _);
        if (status != Errno.Success) return status;
        if (path.IsRoot) return Errno.Isdir;
        switch (Probe(path.HostPath))
        {
            case Entry.Missing: return Errno.Noent;
            case Entry.Directory: return Errno.Isdir;
            case Entry.File when path.TrailingSlash: return Errno.Notdir;
        }
        File.Delete(path.HostPath);
        return Errno.Success;
    }

    internal Errno PathRename(GuestMemory memory, int oldDirFd, uint oldPathPtr, uint oldPathLength,
        int newDirFd, uint newPathPtr, uint newPathLength)
    {
        var status = ResolveGuestPath(memory, oldDirFd, oldPathPtr, oldPathLength, follow: false, out var from, out _);
        if (status != Errno.Success) return status;
        status = ResolveGuestPath(memory, newDirFd, newPathPtr, newPathLength, follow: false, out var to, out _);
        if (status != Errno.Success) return status;
        if (from.IsRoot || to.IsRoot) return Errno.Busy;
        var source = from.HostPath;
        var target = to.HostPath;
        var sourceEntry = Probe(source);
        var targetEntry = Probe(target);
        if (sourceEntry == Entry.Missing) return Errno.Noent;
        if (source == target) return Errno.Success;

        if (sourceEntry == Entry.Directory)
        {
            if (target.StartsWith(source + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return Errno.Inval;
            switch (targetEntry)
            {
                case Entry.File or Entry.Symlink:
                    return Errno.Notdir;
                case Entry.Directory:
                    if (Directory.EnumerateFileSystemEntries(target).Any()) return Errno.Notempty;
                    Directory.Delete(target);
                    break;
            }
            Directory.Move(source, target);
            return Errno.Success;
        }

        if (targetEntry == Entry.Directory) return Errno.Isdir;
        if (to.TrailingSlash || from.TrailingSlash) return Errno.Notdir;
        if (sourceEntry == Entry.Symlink && Directory.Exists(source))
        {
            // File.Move follows a link to a directory and reports it missing; Directory.Move renames the link
            // itself (rename(2) never follows) but will not replace, so a file or link in the way goes first.
            if (targetEntry != Entry.Missing) File.Delete(target);
            Directory.Move(source, target);
            return Errno.Success;
        }
        File.Move(source, target, overwrite: true);
        return Errno.Success;
    }

    internal Errno PathFilestatGet(GuestMemory memory, int dirFd, uint lookupFlags, uint pathPtr, uint pathLength, uint statPtr)
    {
        var follow = (lookupFlags & Layout.LookupSymlinkFollow) != 0;
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow, out var path, out _);
        if (status != Errno.Success) return status;
        memory.Slice(statPtr, Layout.FilestatSize);
        var host = path.HostPath;
        switch (Probe(host))
        {
            case Entry.Missing:
                return Errno.Noent;
            case Entry.Symlink:
                var link = new FileInfo(host);
                WriteFilestat(memory, statPtr, FileType.SymbolicLink, InodeOf(host), (ulong)link.LinkTarget!.Length,
                    link.LastAccessTimeUtc, link.LastWriteTimeUtc, link.LastWriteTimeUtc);
                break;
            case Entry.Directory:
                var dir = new DirectoryInfo(host);
                WriteFilestat(memory, statPtr, FileType.Directory, InodeOf(host), 0,
                    dir.LastAccessTimeUtc, dir.LastWriteTimeUtc, dir.LastWriteTimeUtc);
                break;
            case Entry.File:
                var file = new FileInfo(host);
                WriteFilestat(memory, statPtr, FileType.RegularFile, InodeOf(host), (ulong)file.Length,
                    file.LastAccessTimeUtc, file.LastWriteTimeUtc, file.LastWriteTimeUtc);
                break;
        }
        return Errno.Success;
    }

    internal Errno PathReadlink(GuestMemory memory, int dirFd, uint pathPtr, uint pathLength, uint bufferPtr, uint bufferLength, uint usedPtr)
    {
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow: false, out var path, out _);
        if (status != Errno.Success) return status;
        var buffer = memory.Slice(bufferPtr, bufferLength);
        memory.Slice(usedPtr, 4);
        var target = new FileInfo(path.HostPath).LinkTarget;
        if (target is null) return Probe(path.HostPath) == Entry.Missing ? Errno.Noent : Errno.Inval;
        var used = CopyTruncated(System.Text.Encoding.UTF8.GetBytes(target), buffer);
        memory.WriteU32(usedPtr, (uint)used);
        return Errno.Success;
    }

    /// <summary>
    /// Absolute targets are refused with <see cref="Errno.Perm"/> (as Node does): they name host locations.
    /// Relative targets are stored as given and checked when followed.
    /// </summary>
    internal Errno PathSymlink(GuestMemory memory, uint targetPtr, uint targetLength, int dirFd, uint pathPtr, uint pathLength)
    {
        var target = memory.ReadString(targetPtr, targetLength);
        var status = ResolveGuestPath(memory, dirFd, pathPtr, pathLength, follow: false, out var path, out _);
        if (status != Errno.Success) return status;
        if (target.Length == 0 || target.Contains('\0')) return Errno.Noent;
        if (target[0] == '/') return Errno.Perm;
        if (path.IsRoot || Probe(path.HostPath) != Entry.Missing) return Errno.Exist;
        File.CreateSymbolicLink(path.HostPath, target);
        return Errno.Success;
    }
}
