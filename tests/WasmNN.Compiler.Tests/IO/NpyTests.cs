using System.Text;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Onnx;

namespace WasmNN.Compiler.Tests.IO;

/// <summary>
/// The .npy reader and writer against files numpy wrote (../shared/models) and files built by hand from the format
/// specification (numpy/lib/format.py): magic, version, little-endian header length, the dict literal, data.
/// </summary>
public sealed class NpyTests
{
    private static readonly string[] s_numpyFiles =
        ["lenet5.input.npy", "lenet5.output.npy", "mobilenet_v2.input.npy", "squeezenet1_1.output.npy"];

    /// <summary>A .npy file as the specification lays it out, without any of our code.</summary>
    internal static byte[] Spec(string header, byte[] data, int major = 1, int minor = 0, Encoding? encoding = null)
    {
        var text = (encoding ?? Encoding.Latin1).GetBytes(header);
        var lengthBytes = major == 1 ? 2 : 4;
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, (byte)minor };
        for (var i = 0; i < lengthBytes; i++) bytes.Add((byte)(text.Length >> (8 * i)));
        bytes.AddRange(text);
        bytes.AddRange(data);
        return [.. bytes];
    }

    internal static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    private static Tensor Read(byte[] bytes) => Npy.Read(new MemoryStream(bytes));

    private static string ReadError(byte[] bytes) => Assert.Throws<NpyFormatException>(() => Read(bytes)).Message;

    /// <summary>np.save of np.array([["monday", "Ärger"], ["😀", ""]]) (dtype '&lt;U6': UTF-32, zero-padded).</summary>
    private const string NumpyUnicode =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPFU2JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApt" +
        "AAAAbwAAAG4AAABkAAAAYQAAAHkAAADEAAAAcgAAAGcAAABlAAAAcgAAAAAAAAAA9gEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    [Fact]
    public void Read_NumpyUnicodeArray_GivesTheStrings()
    {
        var tensor = Read(Convert.FromBase64String(NumpyUnicode));

        Assert.Equal(DataType.String, tensor.DataType);
        Assert.Equal([2, 2], tensor.Shape);
        Assert.Equal(["monday", "Ärger", "😀", ""], tensor.AsStrings());
    }

    [Fact]
    public void Write_Strings_IsByteForByteNumpysSave()
    {
        var stream = new MemoryStream();

        Npy.Write(stream, Tensor.FromStrings([2, 2], ["monday", "Ärger", "😀", ""]));

        Assert.Equal(Convert.FromBase64String(NumpyUnicode), stream.ToArray());
    }

    [Fact]
    public void Read_UnicodeHoldingASurrogate_NamesTheElement()
    {
        var bytes = Spec("{'descr': '<U1', 'fortran_order': False, 'shape': (2,), }\n", [0x41, 0, 0, 0, 0x00, 0xD8, 0, 0]);

        Assert.Contains("element 1", ReadError(bytes));
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("mobilenet_v2")]
    [InlineData("squeezenet1_1")]
    public void Read_NumpyWrittenInput_ShapeIsTheOnnxModelsInputShape(string model)
    {
        var tensor = Npy.Read(TestPaths.Model(model + ".input.npy"));

        var input = OnnxModelLoader.LoadModel(TestPaths.Model(model + ".onnx")).Graph.Input[0];
        Assert.Equal(DataType.Float32, tensor.DataType);
        Assert.Equal(input.Type.TensorType.Shape.Dim.Select(d => (int)d.DimValue), tensor.Shape);
    }

    [Theory]
    [MemberData(nameof(NumpyFiles))]
    public void Write_NumpyWrittenFile_ReproducesNumpysBytesExactly(string name)
    {
        var original = File.ReadAllBytes(TestPaths.Model(name));
        using var written = new MemoryStream();

        Npy.Write(written, Npy.Read(TestPaths.Model(name)));

        Assert.Equal(original, written.ToArray());
    }

    [Fact]
    public void ReadAndWrite_NumpysFloat16AndWideIntegerFiles_SameValuesAndBytes()
    {
        // numpy writes one file per dtype the IR added for ONNX (float16, int16, uint16, uint32, uint64), each with its extremes.
        var folder = Directory.CreateTempSubdirectory("wasmnn-npy-");
        try
        {
            const string script = """
                import sys, numpy as np
                for name, values in [("float16", [0.1, -65504, 6e-8, float("inf")]), ("int16", [-32768, 32767, -1, 0]),
                                     ("uint16", [65535, 0, 1, 40000]), ("uint32", [4294967295, 0, 1, 2147483648]),
                                     ("uint64", [18446744073709551615, 0, 1, 9223372036854775808])]:
                    np.save(f"{sys.argv[1]}/{name}.npy", np.array(values, name).reshape(2, 2))
                """;
            var result = ProcessRunner.Run("/usr/bin/python3", ["-c", script, folder.FullName]);
            Assert.True(result.ExitCode == 0, "python3 with numpy is required (scripts/test.sh installs it): " + result.Stderr);
            (DataType Type, double[] Values)[] expected =
            [
                (DataType.Float16, [(double)(Half)0.1, -65504, (double)(Half)6e-8, double.PositiveInfinity]),
                (DataType.Int16, [-32768, 32767, -1, 0]),
                (DataType.UInt16, [65535, 0, 1, 40000]),
                (DataType.UInt32, [4294967295, 0, 1, 2147483648]),
                (DataType.UInt64, [18446744073709551615.0, 0, 1, 9223372036854775808.0]),
            ];
            foreach (var (type, values) in expected)
            {
                var path = Path.Combine(folder.FullName, type.Info().Name + ".npy");
                var tensor = Npy.Read(path);

                Assert.Equal(type, tensor.DataType);
                Assert.Equal([2, 2], tensor.Shape);
                Assert.Equal(values, tensor.ToDoubleArray());
                using var written = new MemoryStream();
                Npy.Write(written, tensor);
                Assert.Equal(File.ReadAllBytes(path), written.ToArray());
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Write_BFloat16_RejectedBecauseNumpyHasNoSuchDtype()
    {
        var error = Assert.Throws<NpyFormatException>(() => Npy.Write(new MemoryStream(), Tensor.Zeros(DataType.BFloat16, [2])));

        Assert.Contains("bfloat16 has no NumPy dtype", error.Message);
    }

    public static TheoryData<string> NumpyFiles() => [.. s_numpyFiles];

    [Fact]
    public void Read_Version2And3Headers_ReadLikeVersion1()
    {
        const string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
        var data = Floats(1.5f, -2f);

        foreach (var bytes in new[] { Spec(header, data, 1), Spec(header, data, 2), Spec(header, data, 3, encoding: Encoding.UTF8) })
        {
            var tensor = Read(bytes);
            Assert.Equal([2], tensor.Shape);
            Assert.Equal([1.5f, -2f], (float[])tensor.Data);
        }
    }

    [Fact]
    public void Read_FortranOrder_ReturnsRowMajorElements()
    {
        // The 2x3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
        var bytes = Spec("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", Floats(1, 4, 2, 5, 3, 6));

        var tensor = Read(bytes);

        Assert.Equal([2, 3], tensor.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], (float[])tensor.Data);
    }

    [Fact]
    public void Read_FortranOrderRank3_MatchesColumnMajorIndexing()
    {
        int[] shape = [2, 3, 4];
        var stored = new float[24];
        // Column-major: element (i, j, k) lives at i + 2j + 6k; its value is its row-major index 12i + 4j + k.
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 4; k++)
                    stored[i + 2 * j + 6 * k] = 12 * i + 4 * j + k;
        var bytes = Spec("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }\n", Floats(stored));

        var tensor = Read(bytes);

        Assert.Equal(shape, tensor.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(v => (float)v), (float[])tensor.Data);
    }

    [Theory]
    [InlineData("{\"descr\": \"<i4\", \"shape\": (2,), \"fortran_order\": False}\n")]
    [InlineData("{'shape':(2,),'descr':'<i4','fortran_order':False}")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }      \n")]
    public void Read_HeaderKeyOrderQuotesAndSpacing_Accepted(string header)
    {
        var tensor = Read(Spec(header, [7, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]));

        Assert.Equal([7, -1], (int[])tensor.Data);
    }

    [Fact]
    public void Read_ScalarAndEmptyArrays_Accepted()
    {
        var scalar = Read(Spec("{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", BitConverter.GetBytes(2.5)));
        var empty = Read(Spec("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }\n", []));

        Assert.Empty(scalar.Shape);
        Assert.Equal([2.5], (double[])scalar.Data);
        Assert.Equal([0, 3], empty.Shape);
        Assert.Empty((float[])empty.Data);
    }

    [Theory]
    [InlineData(9, 0, "version 9.0")]
    [InlineData(1, 1, "version 1.1")]
    [InlineData(0, 0, "version 0.0")]
    public void Read_UnknownVersion_Rejected(int major, int minor, string expected)
    {
        var bytes = Spec("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", Floats(1), major == 9 ? 2 : major, minor);
        bytes[6] = (byte)major;

        Assert.Contains(expected, ReadError(bytes));
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (1,), }", "key 'shape' appears twice")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "key 'descr' appears twice")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "no 'fortran_order' key")]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", "no 'descr' key")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "no 'shape' key")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "unexpected key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1), }", "written (n,)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "must be a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", "after the header dict")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "negative dimension")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "big-endian")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype '<c8'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected ',' or '}'")]
    [InlineData("['descr', '<f4']", "must be a dict")]
    public void Read_MalformedHeader_RejectedWithTheProblem(string header, string expected)
    {
        var message = ReadError(Spec(header + "\n", Floats(1)));

        Assert.Contains(expected, message);
        Assert.StartsWith("byte ", message);
    }

    [Fact]
    public void Read_TrailingBytesAfterData_RejectedAtTheirOffset()
    {
        var bytes = Spec("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", Floats(1, 2, 3));

        var message = ReadError(bytes);

        Assert.Contains("4 unexpected bytes after the data", message);
        Assert.StartsWith($"byte {bytes.Length - 4}:", message);
    }

    [Fact]
    public void Read_TruncatedData_Rejected()
    {
        Assert.Contains("needs 12 data bytes, the file has 8",
            ReadError(Spec("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", Floats(1, 2))));
    }

    [Theory]
    [InlineData("(1000000000, 1000000000)")]           // 4e18 bytes: fits a long, but not the file
    [InlineData("(2147483647, 2147483647, 4)")]        // the element count alone overflows a long's byte count
    [InlineData("(3000000000,)")]                      // a dimension past int
    public void Read_HugeShapeClaim_RejectedBeforeAllocating(string shape)
    {
        // Were the claimed size allocated first, this would throw OutOfMemoryException or OverflowException.
        var message = ReadError(Spec($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}\n", Floats(1)));

        Assert.Matches("too large|needs \\d+ data bytes|dimension above", message);
    }

    [Fact]
    public void Read_HeaderLengthPastEndOfFile_Rejected()
    {
        var bytes = Spec("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", Floats(1), 2);
        bytes[8] = 0xFF;
        bytes[9] = 0xFF;
        bytes[10] = 0xFF;
        bytes[11] = 0x7F;

        Assert.Contains("runs past the end of the file", ReadError(bytes));
    }

    [Fact]
    public void Read_TextFile_NotANpyFile()
    {
        Assert.Contains("not a .npy file", ReadError(Encoding.ASCII.GetBytes("hello, this is text\n")));
        Assert.Contains("not a .npy file", ReadError([]));
    }

    [Fact]
    public void Read_InvalidUtf8InVersion3Header_Rejected()
    {
        var bytes = Spec("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", Floats(1), 3, encoding: Encoding.UTF8);
        bytes[15] = 0xC3;

        Assert.Contains("not valid UTF-8", ReadError(bytes));
    }

    [Fact]
    public void ReadFile_Malformed_MessageNamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wasmnn-npy-{Environment.ProcessId}-bad.npy");
        File.WriteAllText(path, "not numpy");
        try
        {
            var error = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
            Assert.StartsWith($"{path}: byte 0: not a .npy file", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
