using WasmNN.Wasm.Writing;

namespace WasmNN.Wasm.Tests.Writing;

/// <summary>Data segments whose bytes are produced while the module is written encode as ordinary active segments.</summary>
public sealed class StreamedDataSegmentTests
{
    private static ModuleBuilder Builder()
    {
        var builder = new ModuleBuilder();
        builder.AddMemory(1, 1);
        builder.AddCustomSection("after", "data"u8.ToArray());
        return builder;
    }

    [Fact]
    public void Write_StreamedSegments_SameBytesAsSegmentsInMemory()
    {
        byte[] large = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        var inMemory = Builder();
        inMemory.AddData(16, "hello"u8.ToArray());
        inMemory.AddData(4096, large);
        var streamed = Builder();
        streamed.AddData(16, "hello"u8.ToArray());
        using var output = new MemoryStream();

        ModuleWriter.Write(streamed.Module, output, [new StreamedDataSegment(4096, large.Length, s => s.Write(large))]);

        Assert.Equal(inMemory.ToBytes(), output.ToArray());
        Assert.Equal(output.Length, ModuleWriter.Measure(streamed.Module, [new StreamedDataSegment(4096, large.Length, _ => throw new InvalidOperationException("measured, not written"))]));
    }

    [Fact]
    public void Write_SegmentWritingFewerBytesThanDeclared_Throws()
    {
        using var output = new MemoryStream();

        var error = Assert.Throws<InvalidOperationException>(() =>
            ModuleWriter.Write(Builder().Module, output, [new StreamedDataSegment(64, 10, s => s.Write(new byte[9]))]));

        Assert.Contains("wrote 9 bytes, not the 10", error.Message);
    }
}
