using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;

namespace WasmNN.Engine;

/// <summary>
/// A linear memory. Its bytes live in native memory reserved up front (the smaller of its maximum and the
/// engine's <see cref="EngineOptions.MemoryReservePages"/>) so the base address does not move when it grows;
/// growing past the reservation reallocates. On 64-bit Linux and macOS the reservation is a page-aligned anonymous
/// mapping, so a file's pages can be mapped into it (<see cref="TryMapFile"/>). Compiled code keeps the base and size in locals and reloads them
/// after calls and <c>memory.grow</c>.
/// </summary>
/// <remarks>
/// An unshared memory is not thread-safe, and a <see cref="Span"/> taken before <see cref="Grow"/> may be stale
/// afterwards. A shared memory (threads proposal) reserves its whole maximum up front and grows in place under a
/// lock, so its base never moves and every thread's and instance's view stays valid; its waiter table serves
/// <c>memory.atomic.wait/notify</c>.
/// </remarks>
public sealed unsafe class WasmMemory : IDisposable
{
    // Generated code reads the copies in its instances' contexts (AddUser); every change here is copied to them.
    internal byte* Base;
    internal long Size;

    private long _reservedBytes;
    private readonly uint _pageLimit;
    private readonly Lock _growLock = new();
    private WaiterTable? _waiters;

    // Contexts of the instances using this memory, each with a copy of Base and Size (InstanceContext.MemoryBase).
    private readonly ContextUsers _users = new();

    /// <summary>Creates a memory of <paramref name="minimumPages"/> 64 KiB pages.</summary>
    /// <param name="minimumPages">Initial size in pages.</param>
    /// <param name="maximumPages">Largest size in pages, or null for the engine limit.</param>
    /// <param name="options">Reservation and size limits; defaults when null.</param>
    /// <param name="shared">A shared memory (needs <paramref name="maximumPages"/>): fixed base, usable from many threads.</param>
    /// <exception cref="ArgumentOutOfRangeException">The initial size exceeds the limits.</exception>
    /// <exception cref="ArgumentException">A shared memory without a maximum.</exception>
    public WasmMemory(uint minimumPages, uint? maximumPages = null, EngineOptions? options = null, bool shared = false)
    {
        options ??= EngineOptions.Default;
        if (shared && maximumPages is null) throw new ArgumentException("a shared memory must have a maximum", nameof(maximumPages));
        IsShared = shared;
        _pageLimit = Math.Min(maximumPages ?? MemoryType.MaxPages, options.MaxMemoryPages);
        if (minimumPages > _pageLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumPages), $"memory of {minimumPages} pages exceeds the limit of {_pageLimit} pages");
        }
        MaximumPages = maximumPages;
        // A shared memory reserves all it may ever need: growing must not move it under other threads.
        long reservePages = shared ? _pageLimit : Math.Max(minimumPages, Math.Min(_pageLimit, options.MemoryReservePages));
        Reserve(reservePages * MemoryType.PageSize);
        Size = (long)minimumPages * MemoryType.PageSize;
    }

    /// <summary>The declared maximum in pages, or null.</summary>
    public uint? MaximumPages { get; }

    /// <summary>True for a shared memory (threads proposal).</summary>
    public bool IsShared { get; }

    /// <summary>Threads blocked in <c>memory.atomic.wait</c> on this memory, by address.</summary>
    internal WaiterTable Waiters => _waiters ?? Interlocked.CompareExchange(ref _waiters, new WaiterTable(), null) ?? _waiters;

    /// <summary>Current size in 64 KiB pages.</summary>
    public uint Pages => (uint)(Size / MemoryType.PageSize);

    /// <summary>Current size in bytes.</summary>
    public long Length => Size;

    /// <summary>The whole memory as a span (memories over 2 GiB: use <see cref="GetSpan"/>).</summary>
    public Span<byte> Span => new(Base, (int)Math.Min(Size, int.MaxValue));

    /// <summary>A window of the memory.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is outside the memory.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Size) throw new ArgumentOutOfRangeException(nameof(offset), "window outside linear memory");
        return new Span<byte>(Base + offset, length);
    }

    /// <summary>
    /// Puts <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="fileOffset"/> at
    /// <paramref name="memoryOffset"/> by mapping the file's pages copy-on-write: the memory shares the page cache's
    /// pages, nothing is read up front, and a page the module writes to becomes a private copy (the file never
    /// changes). Whole pages only: a partial last page is read, so no mapped page reaches past the range or the file.
    /// </summary>
    /// <returns>
    /// True when the range holds the file's bytes. False where nothing can be mapped: not 64-bit Linux or macOS,
    /// <paramref name="memoryOffset"/> or <paramref name="fileOffset"/> not a multiple of
    /// <see cref="Environment.SystemPageSize"/>, or a file the OS will not map; the caller then reads the range itself.
    /// </returns>
    /// <remarks>
    /// While mapped, the file must not change in place: a write to it shows through pages the module has not written
    /// (Linux and macOS share the page cache), and truncating it makes the next touch of a page past the new end
    /// raise SIGBUS, as for every user of mmap. Replace such a file by renaming a new one over it (the mapping keeps
    /// the old one). Growing past the reservation copies the memory, mapped pages included, and ends the tie to the file.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the memory or the file.</exception>
    /// <exception cref="EndOfStreamException">The file ended while its partial last page was read.</exception>
    public bool TryMapFile(SafeFileHandle file, long fileOffset, long memoryOffset, long length)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (fileOffset < 0 || memoryOffset < 0 || length < 0 || memoryOffset > Size - length)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryOffset), $"{length} bytes at {memoryOffset} are outside the memory of {Size} bytes");
        }
        if (fileOffset > RandomAccess.GetLength(file) - length)
        {
            throw new ArgumentOutOfRangeException(nameof(fileOffset), $"{length} bytes from byte {fileOffset} are past the end of the file");
        }
        var page = NativePages.PageSize;
        if (!NativePages.CanMap || memoryOffset % page != 0 || fileOffset % page != 0) return false;
        var mapped = length / page * page;
        if (mapped > 0 && !NativePages.TryMapFile(Base + memoryOffset, mapped, file, fileOffset)) return false;
        ReadFile(file, fileOffset + mapped, memoryOffset + mapped, length - mapped);
        return true;
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="fileOffset"/> into the
    /// memory at <paramref name="memoryOffset"/>, with no buffer between: what <see cref="TryMapFile"/>'s callers do
    /// where it returns false.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the memory.</exception>
    /// <exception cref="EndOfStreamException">The file ended before <paramref name="length"/> bytes.</exception>
    public void ReadFile(SafeFileHandle file, long fileOffset, long memoryOffset, long length)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (fileOffset < 0 || memoryOffset < 0 || length < 0 || memoryOffset > Size - length)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryOffset), $"{length} bytes at {memoryOffset} are outside the memory of {Size} bytes");
        }
        for (long done = 0; done < length;)
        {
            var chunk = (int)Math.Min(length - done, 1 << 30);
            var read = RandomAccess.Read(file, new Span<byte>(Base + memoryOffset + done, chunk), fileOffset + done);
            done += read > 0 ? read : throw new EndOfStreamException($"the file ended at byte {fileOffset + done}");
        }
    }

    /// <summary>Gives <paramref name="context"/> a copy of the base and size, and keeps it current.</summary>
    internal void AddUser(InstanceContext context) => _users.Add(context, CopyTo);

    /// <summary>Copies the base and size to every user after a change.</summary>
    private void PublishToUsers() => _users.Update(CopyTo);

    // The size last: a shared memory's only grows, and its base never moves.
    private void CopyTo(InstanceContext context)
    {
        context.MemoryBase = Base;
        Volatile.Write(ref context.MemorySize, Size);
    }

    /// <summary>Grows by <paramref name="deltaPages"/> pages, zero-filled.</summary>
    /// <returns>The old size in pages, or -1 if the memory cannot grow that far (as <c>memory.grow</c>).</returns>
    public int Grow(uint deltaPages)
    {
        if (!IsShared) return GrowUnshared(deltaPages);
        lock (_growLock)
        {
            // The reservation covers the maximum: grow in place; the new size is published after the pages exist.
            long oldPages = Size / MemoryType.PageSize;
            long newPages = oldPages + deltaPages;
            if (newPages > _pageLimit) return -1;
            Volatile.Write(ref Size, newPages * MemoryType.PageSize);
            PublishToUsers();
            return (int)oldPages;
        }
    }

    private int GrowUnshared(uint deltaPages)
    {
        long oldPages = Size / MemoryType.PageSize;
        long newPages = oldPages + deltaPages;
        if (newPages > _pageLimit) return -1;
        long newSize = newPages * MemoryType.PageSize;
        if (newSize > _reservedBytes)
        {
            // Past the reservation: move to a bigger block (doubling so repeated growth stays linear).
            long target = Math.Min(Math.Max(newSize, _reservedBytes * 2), (long)_pageLimit * MemoryType.PageSize);
            // File pages mapped in are copied like the rest: from then on the memory no longer depends on the file.
            byte* old = Base;
            long oldSize = Size, oldReserved = _reservedBytes;
            try
            {
                Reserve(target);
            }
            catch (OutOfMemoryException)
            {
                return -1;
            }
            Buffer.MemoryCopy(old, Base, oldSize, oldSize);
            NativePages.Free(old, oldReserved);
        }
        Size = newSize;
        PublishToUsers();
        return (int)oldPages;
    }

    private void Reserve(long bytes)
    {
        // Zero pages the OS maps lazily: untouched reserve costs address space, not RAM.
        Base = NativePages.Allocate(bytes);
        _reservedBytes = bytes;
    }

    /// <summary>Frees the native memory. Using the memory afterwards is an error.</summary>
    public void Dispose()
    {
        Free();
        // Compiled code of its instances then sees a memory of 0 bytes: every access traps, those that skip their
        // bounds check by the check at function entry and after import calls (FunctionCompiler.ReloadMemory). (Not
        // from the finalizer: the users' weak references may be finalized already, and unreachable users run no code.)
        PublishToUsers();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native memory if <see cref="Dispose"/> was not called.</summary>
    ~WasmMemory() => Free();

    private void Free()
    {
        if (Base != null)
        {
            NativePages.Free(Base, _reservedBytes);
            Base = null;
            Size = 0;
            _reservedBytes = 0;
        }
    }

    // ---- Bulk operations called by generated code: false means out of bounds (the caller traps). ----

    internal bool Fill(int destination, int value, int count)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)Size) return false;
        NativeMemory.Fill(Base + (uint)destination, (uint)count, (byte)value);
        return true;
    }

    internal bool Copy(int destination, int source, int count)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)Size || (ulong)(uint)source + (uint)count > (ulong)Size) return false;
        Buffer.MemoryCopy(Base + (uint)source, Base + (uint)destination, (uint)count, (uint)count);
        return true;
    }

    internal bool Init(ReadOnlySpan<byte> segment, int destination, int source, int count)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)Size || (ulong)(uint)source + (uint)count > (ulong)segment.Length) return false;
        segment.Slice((int)(uint)source, (int)(uint)count).CopyTo(new Span<byte>(Base + (uint)destination, count));
        return true;
    }
}
