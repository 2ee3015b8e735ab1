using System.Collections.Concurrent;
using WasmNN.Engine;
using WasmNN.Wasm;

namespace WasmNN.Kernels.Frontend;

/// <summary>
/// A first-fit free-list allocator over a module's linear memory. Blocks are 16-byte aligned (a v128 never straddles
/// an alignment boundary); freed blocks merge with free neighbours; when nothing fits the memory grows (the engine's
/// <c>memory.grow</c>) by at least half its size so repeated growth stays linear. Address 0 is never handed out, so
/// kernels can take 0 as "no buffer".
/// </summary>
/// <remarks>Not thread-safe, except <see cref="FreeLater"/>, which finalizers call.</remarks>
internal sealed class LinearMemoryAllocator
{
    public const int Alignment = 16;

    private readonly WasmMemory _memory;
    // Free blocks sorted by address, never adjacent (adjacent blocks are merged).
    private readonly List<(long Start, long Length)> _free = [];
    private readonly Dictionary<int, long> _allocated = [];
    private readonly ConcurrentQueue<int> _pendingFrees = new();

    public LinearMemoryAllocator(WasmMemory memory)
    {
        _memory = memory;
        if (memory.Length > Alignment) _free.Add((Alignment, memory.Length - Alignment));
    }

    /// <summary>Bytes currently handed out (rounded up to the alignment).</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>Number of live blocks.</summary>
    public int AllocationCount => _allocated.Count;

    /// <summary>A block of at least <paramref name="bytes"/> bytes; its contents are unspecified.</summary>
    /// <exception cref="OutOfMemoryException">The memory cannot grow far enough (wasm32 addresses, engine limit).</exception>
    public int Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        DrainPendingFrees();
        long size = Math.Max(Alignment, (bytes + Alignment - 1) / Alignment * Alignment);
        int index = _free.FindIndex(block => block.Length >= size);
        if (index < 0)
        {
            Grow(size);
            index = _free.FindIndex(block => block.Length >= size);
        }
        var (start, length) = _free[index];
        if (length == size) _free.RemoveAt(index);
        else _free[index] = (start + size, length - size);
        _allocated.Add(checked((int)start), size);
        AllocatedBytes += size;
        return (int)start;
    }

    /// <summary>Returns a block from <see cref="Allocate"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not a live block.</exception>
    public void Free(int address)
    {
        if (!_allocated.Remove(address, out long size)) throw new ArgumentException($"0x{address:X} is not an allocated block", nameof(address));
        AllocatedBytes -= size;
        int index = _free.FindIndex(block => block.Start > address);
        if (index < 0) index = _free.Count;
        _free.Insert(index, (address, size));
        // Merge with the next block, then with the previous one.
        if (index + 1 < _free.Count && _free[index].Start + _free[index].Length == _free[index + 1].Start)
        {
            _free[index] = (_free[index].Start, _free[index].Length + _free[index + 1].Length);
            _free.RemoveAt(index + 1);
        }
        if (index > 0 && _free[index - 1].Start + _free[index - 1].Length == _free[index].Start)
        {
            _free[index - 1] = (_free[index - 1].Start, _free[index - 1].Length + _free[index].Length);
            _free.RemoveAt(index);
        }
    }

    /// <summary>Queues a free from any thread (a finalizer); it happens at the next allocation.</summary>
    public void FreeLater(int address) => _pendingFrees.Enqueue(address);

    /// <summary>Performs the frees queued by <see cref="FreeLater"/>.</summary>
    public void DrainPendingFrees()
    {
        while (_pendingFrees.TryDequeue(out int address)) Free(address);
    }

    private void Grow(long size)
    {
        long end = _memory.Length;
        long tailFree = _free.Count > 0 && _free[^1].Start + _free[^1].Length == end ? _free[^1].Length : 0;
        long needed = size - tailFree;
        long pages = (needed + MemoryType.PageSize - 1) / MemoryType.PageSize;
        long pagesNow = end / MemoryType.PageSize;
        long preferred = Math.Max(pages, pagesNow / 2);
        // Try the generous step, then the exact need, before giving up.
        if (_memory.Grow((uint)preferred) < 0)
        {
            preferred = pages;
            if (pages > uint.MaxValue || _memory.Grow((uint)pages) < 0)
            {
                throw new OutOfMemoryException($"linear memory cannot grow by {pages} pages for a {size}-byte tensor ({end} bytes in use or free)");
            }
        }
        long added = preferred * MemoryType.PageSize;
        if (tailFree > 0) _free[^1] = (_free[^1].Start, _free[^1].Length + added);
        else _free.Add((end, added));
    }
}
