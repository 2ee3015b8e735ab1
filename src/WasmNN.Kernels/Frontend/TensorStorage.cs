namespace WasmNN.Kernels.Frontend;

/// <summary>
/// A block of linear memory shared by a tensor and its reshaped views; the block is freed when the last of them is
/// disposed or finalized.
/// </summary>
internal sealed class TensorStorage(LinearMemoryAllocator allocator, int address, long bytes)
{
    private int _references;

    public int Address { get; } = address;

    public long Bytes { get; } = bytes;

    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Drops one reference; the last one frees the block (deferred when called from a finalizer thread).</summary>
    public void Release(bool fromFinalizer)
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        if (fromFinalizer) allocator.FreeLater(Address);
        else allocator.Free(Address);
    }
}
