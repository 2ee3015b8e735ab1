namespace WasmNN.Wasm.Writing;

/// <summary>
/// An active data segment of memory 0 whose bytes are produced while the module is written
/// (<see cref="ModuleWriter.Write(WasmModule, Stream, IReadOnlyList{StreamedDataSegment}?)"/>): a code generator
/// declares the length up front and writes the bytes only when the writer reaches the segment, so large weights
/// never wait in memory as a whole.
/// </summary>
/// <param name="Offset">Address in memory 0 (an <c>i32.const</c> offset expression).</param>
/// <param name="Length">Exactly the number of bytes <paramref name="Write"/> writes.</param>
/// <param name="Write">Writes the segment's bytes to the stream it is given.</param>
public sealed record StreamedDataSegment(uint Offset, long Length, Action<Stream> Write);

/// <summary>
/// A write-only stream that passes every write on to <paramref name="inner"/> and shows it to <see cref="Observe"/>
/// (counting, checksumming) on the way.
/// </summary>
public abstract class PassThroughStream(Stream inner) : Stream
{
    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Flush() => inner.Flush();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Observe(buffer);
    }

    /// <summary>Sees each run of bytes written, in order.</summary>
    protected abstract void Observe(ReadOnlySpan<byte> bytes);
}

/// <summary>Passes writes through to another stream, counting the bytes (to check a segment's declared length).</summary>
internal sealed class CountingStream(Stream inner) : PassThroughStream(inner)
{
    public long Written { get; private set; }

    /// <summary>Counts bytes as if written (to measure without producing them).</summary>
    public void Skip(long count) => Written += count;

    protected override void Observe(ReadOnlySpan<byte> bytes) => Written += bytes.Length;
}
