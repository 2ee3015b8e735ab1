using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WasmNN.Engine.Runtime;

/// <summary>
/// The native blocks behind linear memories. On 64-bit Linux and macOS: anonymous private mappings (page aligned,
/// zero, reserved lazily without committing swap), into which whole pages of a file can be mapped copy-on-write.
/// Elsewhere: <see cref="NativeMemory.AllocZeroed(nuint)"/>, and nothing can be mapped.
/// </summary>
internal static unsafe partial class NativePages
{
    private const int ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 0x02, MapFixed = 0x10;
    // The two flags whose values differ between Linux and the BSDs (macOS).
    private static readonly int MapAnonymous = OperatingSystem.IsMacOS() ? 0x1000 : 0x20;
    private static readonly int MapNoReserve = OperatingSystem.IsMacOS() ? 0x40 : 0x4000;
    private static readonly nint MapFailed = -1;

    /// <summary>True where blocks come from mmap and files can be mapped into them.</summary>
    /// <remarks>64-bit only: mmap's offset is a 64-bit off_t there, as the import declares it.</remarks>
    public static bool CanMap { get; } = (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Environment.Is64BitProcess;

    /// <summary>The granule of mappings: addresses, file offsets and lengths are multiples of it.</summary>
    public static int PageSize { get; } = Environment.SystemPageSize;

    /// <summary>A zeroed block of at least <paramref name="bytes"/> bytes (never null, even for 0), page aligned where <see cref="CanMap"/>.</summary>
    /// <exception cref="OutOfMemoryException">The OS refused the block.</exception>
    public static byte* Allocate(long bytes)
    {
        if (!CanMap)
        {
            // calloc of a large block maps fresh zero pages lazily: untouched reserve costs address space, not RAM.
            // One extra byte keeps the block non-null for empty memories.
            return (byte*)NativeMemory.AllocZeroed((nuint)bytes + 1);
        }
        var block = Mmap(null, (nuint)BlockBytes(bytes), ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        return block == MapFailed ? throw new OutOfMemoryException($"cannot reserve {bytes} bytes of linear memory (mmap errno {Marshal.GetLastPInvokeError()})")
            : (byte*)block;
    }

    /// <summary>Frees a block from <see cref="Allocate"/> of <paramref name="bytes"/> bytes, with every file mapping inside it.</summary>
    public static void Free(byte* block, long bytes)
    {
        if (!CanMap)
        {
            NativeMemory.Free(block);
            return;
        }
        _ = Munmap(block, (nuint)BlockBytes(bytes));
    }

    /// <summary>
    /// Maps <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="fileOffset"/> copy-on-write
    /// over <paramref name="address"/> (inside a block from <see cref="Allocate"/>): writes there make private copies,
    /// the file never changes. All three must be multiples of <see cref="PageSize"/> and the range inside the file.
    /// </summary>
    /// <returns>False when the OS refuses (a file system that cannot map, a handle not open for reading): the pages
    /// are zero again and the caller reads instead.</returns>
    public static bool TryMapFile(byte* address, long length, SafeFileHandle file, long fileOffset)
    {
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            var fd = (int)file.DangerousGetHandle();
            if (Mmap(address, (nuint)length, ProtRead | ProtWrite, MapPrivate | MapFixed, fd, fileOffset) == (nint)address) return true;
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
        // A failed MAP_FIXED may already have unmapped the old pages: put zero pages back so the memory stays whole.
        if (Mmap(address, (nuint)length, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapNoReserve | MapFixed, -1, 0) != (nint)address)
        {
            throw new OutOfMemoryException($"cannot restore linear memory after a refused file mapping (mmap errno {Marshal.GetLastPInvokeError()})");
        }
        return false;
    }

    private static long BlockBytes(long bytes) => Math.Max(PageSize, (bytes + PageSize - 1) / PageSize * PageSize);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(void* address, nuint length);
}
