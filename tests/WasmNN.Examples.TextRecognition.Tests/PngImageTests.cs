using System.Buffers.Binary;

namespace WasmNN.Examples.TextRecognition.Tests;

public sealed class PngImageTests
{
    private static string LinePng => Path.Combine(RepositoryPaths.Root, "examples", "WasmNN.Examples.TextRecognition", "line.png");

    [Fact]
    public void Decode_EveryColourTypeAndBitDepth_MatchesPillow()
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-png-");
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "pillow_variants.py");
            var run = ProcessRunner.Run("/usr/bin/python3", [script, folder.FullName]);
            Assert.True(run.ExitCode == 0, "Pillow failed (scripts/test.sh installs python3-pil): " + run.Stderr);
            var names = run.Stdout.Trim().Split(' ');
            Assert.Equal(9, names.Length);
            foreach (var name in names)
            {
                var image = PngImage.Read(Path.Combine(folder.FullName, name + ".png"));
                var expected = File.ReadAllBytes(Path.Combine(folder.FullName, name + ".rgb"));
                Assert.Equal((37, 23), (image.Width, image.Height));
                Assert.Equal(expected.Length, image.Rgb.Length);
                for (var i = 0; i < expected.Length; i++)
                {
                    // Compositing over white rounds once in each decoder: allow one step.
                    Assert.True(Math.Abs(expected[i] - image.Rgb[i]) <= 1, $"{name}: byte {i}: ours {image.Rgb[i]}, Pillow {expected[i]}");
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Decode_DamagedFiles_ThrowOnlyPngFormatException()
    {
        // Half the damaged files get their chunk CRCs repaired, so the damage reaches the header, zlib and filter code.
        var original = File.ReadAllBytes(LinePng);
        var decoded = 0;
        for (var seed = 0; seed < 600; seed++)
        {
            var damaged = ByteDamage.Apply(original, seed, hotBytes: 256);
            if (seed % 2 == 1) RepairCrcs(damaged);
            try
            {
                var image = PngImage.Decode(damaged);
                Assert.Equal(image.Width * image.Height * 3, image.Rgb.Length);
                decoded++;
            }
            catch (PngFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        Assert.True(decoded < 600, "no damage was detected");
    }

    [Theory]
    [InlineData(0, "byte 0: not a PNG file")]
    [InlineData(20, "runs past the end")]
    [InlineData(-1, "truncated chunk")]
    public void Decode_Truncated_NamesTheProblemAndOffset(int keep, string expected)
    {
        var bytes = File.ReadAllBytes(LinePng);
        var truncated = bytes[..(keep >= 0 ? keep : bytes.Length - 12)];
        var error = Assert.Throws<PngFormatException>(() => PngImage.Decode(truncated));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Decode_FlippedBitInHeader_ReportsBadCrcAtChunkOffset()
    {
        var bytes = File.ReadAllBytes(LinePng);
        bytes[18] ^= 0x01; // Inside IHDR's width.
        var error = Assert.Throws<PngFormatException>(() => PngImage.Decode(bytes));
        Assert.Equal("byte 8: IHDR chunk has a bad CRC", error.Message);
    }

    [Fact]
    public void Decode_HugeDeclaredSize_RefusedBeforeAllocating()
    {
        var bytes = File.ReadAllBytes(LinePng);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), 1_000_000);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), 1_000_000);
        RepairCrcs(bytes);
        var error = Assert.Throws<PngFormatException>(() => PngImage.Decode(bytes));
        Assert.Contains("1000000x1000000", error.Message);
    }

    /// <summary>Recomputes the CRC of every chunk whose length field still fits the file.</summary>
    private static void RepairCrcs(byte[] file)
    {
        var offset = 8;
        while (offset + 12 <= file.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset));
            if (length > file.Length - offset - 12) return;
            BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(offset + 8 + (int)length), System.IO.Hashing.Crc32.HashToUInt32(file.AsSpan(offset + 4, 4 + (int)length)));
            offset += 12 + (int)length;
        }
    }
}
