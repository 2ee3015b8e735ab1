using Microsoft.Win32.SafeHandles;
using WasmNN.Engine.Runtime;

namespace WasmNN.Engine.Tests;

/// <summary>
/// <see cref="WasmMemory.TryMapFile"/>: whole pages of a file mapped copy-on-write into linear memory, the partial
/// last page read, unaligned ranges refused, the bytes kept when the memory moves, and the module's writes never
/// reaching the file. Linux shares a private mapping's unwritten pages with the page cache, so a write to the file
/// through another handle tells a mapped page (sees it) from a read one (does not).
/// </summary>
public sealed unsafe class WasmMemoryFileMappingTests : IDisposable
{
    private const int WasmPage = 65536;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("wasmnn-mmap-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>A file of <paramref name="bytes"/> seeded pseudo-random bytes.</summary>
    private (string Path, byte[] Bytes) WriteFile(int bytes)
    {
        var content = new byte[bytes];
        new Random(17).NextBytes(content);
        var path = Path.Combine(_folder.FullName, "weights.bin");
        File.WriteAllBytes(path, content);
        return (path, content);
    }

    private static SafeFileHandle OpenRead(string path) => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    /// <summary>Overwrites one byte of the file in place through a handle of its own.</summary>
    private static void PokeFile(string path, long offset, byte value)
    {
        using var writer = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(writer, new[] { value }, offset);
    }

    [Fact]
    public void NewMemory_Base_IsPageAlignedAndZero()
    {
        using var memory = new WasmMemory(3);

        // Page aligned where files can be mapped in (elsewhere the block comes from NativeMemory, aligned as it likes).
        Assert.Equal(0, NativePages.CanMap ? (long)memory.Base % Environment.SystemPageSize : 0);
        Assert.True(memory.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void TryMapFile_AlignedRangeWithPartialLastPage_MapsWholePagesAndReadsTheRest()
    {
        // A header page, then 2 pages and 1000 bytes of payload: those 1000 bytes must be read, not mapped past the range.
        var (path, bytes) = WriteFile(WasmPage + (2 * WasmPage) + 1000);
        using var memory = new WasmMemory(4);
        memory.Span.Fill(0xEE);
        long length = bytes.Length - WasmPage;

        using (var file = OpenRead(path))
        {
            Assert.Equal(NativePages.CanMap, memory.TryMapFile(file, WasmPage, WasmPage, length));
        }

        Assert.True(memory.GetSpan(WasmPage, (int)length).SequenceEqual(bytes.AsSpan(WasmPage)));
        // Bytes past the range keep what the memory held.
        Assert.True(memory.GetSpan(WasmPage + length, (int)(memory.Length - WasmPage - length)).IndexOfAnyExcept((byte)0xEE) < 0);
        Assert.True(memory.GetSpan(0, WasmPage).IndexOfAnyExcept((byte)0xEE) < 0);
        if (!NativePages.CanMap) return;
        // The first payload page is shared with the page cache (mapped); the partial last page is a copy (read).
        PokeFile(path, WasmPage + 10, (byte)~bytes[WasmPage + 10]);
        PokeFile(path, bytes.Length - 10, (byte)~bytes[^10]);
        Assert.Equal((byte)~bytes[WasmPage + 10], memory.Span[WasmPage + 10]);
        Assert.Equal(bytes[^10], memory.Span[bytes.Length - 10]);
    }

    [Theory]
    [InlineData(WasmPage, WasmPage + 100)]   // memory offset not page aligned
    [InlineData(WasmPage + 100, WasmPage)]   // file offset not page aligned
    public void TryMapFile_UnalignedOffset_ReturnsFalseAndLeavesTheMemory(long fileOffset, long memoryOffset)
    {
        var (path, _) = WriteFile(4 * WasmPage);
        using var memory = new WasmMemory(4);
        using var file = OpenRead(path);

        Assert.False(memory.TryMapFile(file, fileOffset, memoryOffset, WasmPage));
        Assert.True(memory.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void ReadFile_UnalignedRange_CopiesExactlyThoseBytes()
    {
        var (path, bytes) = WriteFile((2 * WasmPage) + 500);
        using var memory = new WasmMemory(4);
        memory.Span.Fill(0xEE);

        using (var file = OpenRead(path))
        {
            memory.ReadFile(file, 123, 7, bytes.Length - 123);
        }

        Assert.True(memory.GetSpan(7, bytes.Length - 123).SequenceEqual(bytes.AsSpan(123)));
        Assert.Equal(0xEE, memory.Span[6]);
        Assert.Equal(0xEE, memory.Span[7 + bytes.Length - 123]);
        // A copy: the file changing later does not show through.
        PokeFile(path, 200, (byte)~bytes[200]);
        Assert.Equal(bytes[200], memory.Span[7 + 200 - 123]);
    }

    [Fact]
    public void ReadFile_PastTheEndOfTheFile_ThrowsEndOfStream()
    {
        var (path, _) = WriteFile(1000);
        using var memory = new WasmMemory(1);
        using var file = OpenRead(path);

        Assert.Throws<EndOfStreamException>(() => memory.ReadFile(file, 500, 0, 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadFile(file, 0, WasmPage - 10, 100));
    }

    [Theory]
    [InlineData(0, 3 * WasmPage, 2 * WasmPage)]   // past the end of the memory (4 pages)
    [InlineData(2 * WasmPage, 0, 3 * WasmPage)]   // past the end of the file (4 pages)
    [InlineData(-WasmPage, 0, WasmPage)]
    public void TryMapFile_RangeOutsideMemoryOrFile_Throws(long fileOffset, long memoryOffset, long length)
    {
        var (path, _) = WriteFile(4 * WasmPage);
        using var memory = new WasmMemory(4);
        using var file = OpenRead(path);

        Assert.Throws<ArgumentOutOfRangeException>(() => memory.TryMapFile(file, fileOffset, memoryOffset, length));
    }

    [Fact]
    public void TryMapFile_ThenGrowPastTheReservation_KeepsTheBytesAndLeavesTheFile()
    {
        var (path, bytes) = WriteFile(2 * WasmPage);
        var engine = new Engine(new EngineOptions { MemoryReservePages = 2 });
        var instance = Wat.Instantiate(engine, """
            (module (memory (export "memory") 2)
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
            """);
        var memory = instance.GetMemory("memory")!;
        using (var file = OpenRead(path))
        {
            Assert.Equal(NativePages.CanMap, memory.TryMapFile(file, 0, 0, bytes.Length));
        }
        var before = (nint)memory.Base;

        Assert.Equal(2, instance.GetFunction<Func<int, int>>("grow")(30));

        Assert.NotEqual(before, (nint)memory.Base);
        Assert.Equal(32u, memory.Pages);
        Assert.True(memory.GetSpan(0, bytes.Length).SequenceEqual(bytes));
        Assert.True(memory.GetSpan(bytes.Length, 30 * WasmPage).IndexOfAnyExcept((byte)0) < 0);
        // The move copied the pages: the memory no longer follows the file.
        PokeFile(path, 5, (byte)~bytes[5]);
        Assert.Equal(bytes[5], memory.Span[5]);
    }

    [Fact]
    public void TryMapFile_ModuleWritesIntoTheMappedRange_FileKeepsItsBytes()
    {
        var (path, bytes) = WriteFile(3 * WasmPage);
        var engine = new Engine();
        var instance = Wat.Instantiate(engine, """
            (module (memory (export "memory") 3)
              (func (export "fill") (param $at i32) (param $n i32)
                (memory.fill (local.get $at) (i32.const 0x5A) (local.get $n)))
              (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))
            """);
        var memory = instance.GetMemory("memory")!;
        using (var file = OpenRead(path))
        {
            Assert.Equal(NativePages.CanMap, memory.TryMapFile(file, 0, 0, bytes.Length));
        }

        instance.GetFunction<Action<int, int>>("fill")(WasmPage - 8, WasmPage);
        instance.GetFunction<Action<int, int>>("store")(2 * WasmPage + 4, -1);

        Assert.True(memory.GetSpan(WasmPage - 8, WasmPage).IndexOfAnyExcept((byte)0x5A) < 0);
        Assert.Equal(-1, BitConverter.ToInt32(memory.Span[(2 * WasmPage + 4)..]));
        Assert.Equal(bytes[..(WasmPage - 8)], memory.Span[..(WasmPage - 8)].ToArray());
        Assert.Equal(bytes, File.ReadAllBytes(path));
        memory.Dispose();
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void TryMapFile_SharedMemory_MapsAndGrowsInPlace()
    {
        var (path, bytes) = WriteFile(WasmPage);
        using var memory = new WasmMemory(1, 4, shared: true);
        using (var file = OpenRead(path))
        {
            Assert.Equal(NativePages.CanMap, memory.TryMapFile(file, 0, 0, bytes.Length));
        }
        var before = (nint)memory.Base;

        Assert.Equal(1, memory.Grow(3));

        Assert.Equal(before, (nint)memory.Base);
        Assert.True(memory.GetSpan(0, bytes.Length).SequenceEqual(bytes));
        Assert.True(memory.GetSpan(WasmPage, 3 * WasmPage).IndexOfAnyExcept((byte)0) < 0);
    }
}
