namespace WasmNN.Kernels.Tests;

/// <summary>
/// QuantizeLinear/DequantizeLinear of the kernel library against numpy (float32 division, <c>np.rint</c>'s round
/// half to even, clip), the arithmetic ONNX's reference implementation uses: vector steps and scalar tails, ties,
/// saturation both ways, zero points.
/// </summary>
public sealed class QuantizeKernelTests(KernelLibraryFixture fixture) : IClassFixture<KernelLibraryFixture>
{
    private readonly KernelLibrary _ops = fixture.Library;

    [Theory]
    [InlineData(0, 0.5f, 0)]
    [InlineData(3, 0.5f, 0)]
    [InlineData(37, 0.5f, 0)]
    [InlineData(64, 0.02f, -7)]
    [InlineData(41, 3f, 120)]
    public void QuantizeLinear_TiesSaturationAndTails_MatchesNumpy(int count, float scale, sbyte zeroPoint)
    {
        // Random values, exact ties (k + 0.5 steps), and values far past either end of the range.
        var random = new Random(count * 7 + zeroPoint);
        var x = TestData.Floats(random, count, range: 200f * scale);
        for (var i = 0; i < count; i += 3)
        {
            x[i] = (random.Next(-150, 150) + 0.5f) * scale;
        }
        using var tx = _ops.FromArray(x, count);
        using var q = tx.QuantizeLinear(scale, zeroPoint);
        Assert.Equal([count], q.Shape.ToArray());
        var expected = Numpy(
            "y = np.clip(np.rint(x.astype(np.float32) / np.float32(s)) + z, -128, 127).astype(np.int8)", "float32", ToBytes(x), scale, zeroPoint);
        Assert.Equal(expected.Select(b => (sbyte)b).ToArray(), q.ToArray());
    }

    [Theory]
    [InlineData(0, 0.5f, 0)]
    [InlineData(37, 0.05f, -3)]
    [InlineData(256, 0.0078125f, 127)]
    public void DequantizeLinear_EveryInt8_MatchesNumpy(int count, float scale, sbyte zeroPoint)
    {
        var x = Enumerable.Range(0, count).Select(i => (sbyte)(i - 128)).ToArray();
        using var tx = _ops.FromArray(x, count);
        using var y = tx.DequantizeLinear(scale, zeroPoint);
        var expected = Numpy(
            "y = ((x.astype(np.int32) - z).astype(np.float32) * np.float32(s)).astype(np.float32)", "int8", [.. x.Select(v => (byte)v)], scale, zeroPoint);
        Assert.Equal(ToBytes(y.ToArray()), expected);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void QuantizeLinear_ScaleNotPositiveFinite_Throws(float scale)
    {
        using var tx = _ops.FromArray(new float[] { 1f }, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => tx.QuantizeLinear(scale));
        using var tq = _ops.FromArray(new sbyte[] { 1 }, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => tq.DequantizeLinear(scale));
    }

    private static byte[] ToBytes(float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    /// <summary>Runs <paramref name="statement"/> under numpy with x (raw <paramref name="dtype"/> bytes), s and z bound; returns y's bytes.</summary>
    private static byte[] Numpy(string statement, string dtype, byte[] input, float scale, sbyte zeroPoint)
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-quantize-");
        try
        {
            var (inPath, outPath) = (Path.Combine(folder.FullName, "x.bin"), Path.Combine(folder.FullName, "y.bin"));
            File.WriteAllBytes(inPath, input);
            var script = $"import sys, numpy as np\nx = np.fromfile(sys.argv[1], dtype=np.{dtype})\n"
                + $"s = np.frombuffer(bytes.fromhex(sys.argv[3]), dtype=np.float32)[0]\nz = int(sys.argv[4])\n{statement}\ny.tofile(sys.argv[2])\n";
            var scaleHex = Convert.ToHexString(BitConverter.GetBytes(scale));
            var result = ProcessRunner.Run("/usr/bin/python3", ["-c", script, inPath, outPath, scaleHex, zeroPoint.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.True(result.ExitCode == 0, "python3 with numpy is required (scripts/test.sh installs it): " + result.Stderr);
            return File.ReadAllBytes(outPath);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
