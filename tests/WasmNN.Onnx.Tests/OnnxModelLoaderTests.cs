using Google.Protobuf;
using WasmNN.Onnx.Protos;

namespace WasmNN.Onnx.Tests;

public sealed class OnnxModelLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wasmnn-onnx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string SharedModel(string name) => Path.Combine(RepositoryPaths.Shared, "models", name);

    [Fact]
    public void LoadModel_PyTorchExport_ReadsOpsetGraphAndWeights()
    {
        var model = OnnxModelLoader.LoadModel(SharedModel("lenet5.onnx"));

        Assert.Equal(13, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm"],
            model.Graph.Node.Select(n => n.OpType));
        var conv1 = model.Graph.Initializer.Single(t => t.Dims.SequenceEqual([6L, 1, 5, 5]));
        Assert.Equal((int)TensorProto.Types.DataType.Float, conv1.DataType);
        Assert.Equal(6 * 25 * 4, conv1.RawData.Length);
        var input = Assert.Single(model.Graph.Input, i => i.Name == "input");
        Assert.Equal([1L, 1, 28, 28], input.Type.TensorType.Shape.Dim.Select(d => d.DimValue));
    }

    [Fact]
    public void LoadModel_TruncatedFile_ErrorNamesFile()
    {
        var bytes = File.ReadAllBytes(SharedModel("lenet5.onnx"));
        var path = Path.Combine(_directory, "truncated.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("truncated.onnx", error.Message);
        Assert.Contains("corrupt or truncated", error.Message);
    }

    [Fact]
    public void LoadModel_MissingFile_ErrorNamesFile()
    {
        var path = Path.Combine(_directory, "absent.onnx");

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("absent.onnx", error.Message);
    }

    [Fact]
    public void LoadModel_ExternalDataWithOffsetAndLength_InlinedIntoRawData()
    {
        float[] values = [1.5f, -2f, 3.25f];
        var payload = new byte[16 + values.Length * 4 + 8];
        Buffer.BlockCopy(values, 0, payload, 16, values.Length * 4);
        File.WriteAllBytes(Path.Combine(_directory, "weights.bin"), payload);
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.Add(3);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "16" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "12" });
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.Graph.Initializer.Add(tensor);
        var path = Path.Combine(_directory, "external.onnx");
        File.WriteAllBytes(path, model.ToByteArray());

        var loaded = OnnxModelLoader.LoadModel(path).Graph.Initializer[0];

        Assert.Equal(TensorProto.Types.DataLocation.Default, loaded.DataLocation);
        var floats = new float[3];
        Buffer.BlockCopy(loaded.RawData.ToByteArray(), 0, floats, 0, 12);
        Assert.Equal(values, floats);
    }

    [Fact]
    public void LoadModel_ExternalDataEscapingDirectory_Rejected()
    {
        var tensor = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../secret.bin" });
        var model = new ModelProto { Graph = new GraphProto() };
        model.Graph.Initializer.Add(tensor);
        var path = Path.Combine(_directory, "escape.onnx");
        File.WriteAllBytes(path, model.ToByteArray());

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("'w'", error.Message);
        Assert.Contains("relative path inside", error.Message);
    }

    /// <summary>A model whose one initializer 'w' (3 floats) lives in external data with these entries.</summary>
    private string WriteExternalModel(string directory, params (string Key, string Value)[] entries)
    {
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.Add(3);
        foreach (var (key, value) in entries) tensor.ExternalData.Add(new StringStringEntryProto { Key = key, Value = value });
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.Graph.Initializer.Add(tensor);
        var path = Path.Combine(directory, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private string Subdirectory(string name) => Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;

    [Fact]
    public void LoadModel_ExternalDataSymlinkOutOfModelDirectory_RejectedAndSecretNotRead()
    {
        var secret = Path.Combine(_directory, "secret.bin");
        File.WriteAllBytes(secret, new byte[12]);
        var modelDirectory = Subdirectory("model");
        File.CreateSymbolicLink(Path.Combine(modelDirectory, "data.bin"), secret);
        var path = WriteExternalModel(modelDirectory, ("location", "data.bin"));

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("'data.bin'", error.Message);
        Assert.Contains("outside the model's directory", error.Message);
    }

    [Fact]
    public void LoadModel_ExternalDataThroughSymlinkedFolder_Rejected()
    {
        var outside = Subdirectory("outside");
        File.WriteAllBytes(Path.Combine(outside, "secret.bin"), new byte[12]);
        var modelDirectory = Subdirectory("model");
        Directory.CreateSymbolicLink(Path.Combine(modelDirectory, "weights"), outside);
        var path = WriteExternalModel(modelDirectory, ("location", "weights/secret.bin"));

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("outside the model's directory", error.Message);
    }

    [Fact]
    public void LoadModel_ExternalDataSymlinkStayingInside_Read()
    {
        var modelDirectory = Subdirectory("model");
        File.WriteAllBytes(Path.Combine(modelDirectory, "real.bin"), [.. new[] { 1f, 2f, 3f }.SelectMany(BitConverter.GetBytes)]);
        File.CreateSymbolicLink(Path.Combine(modelDirectory, "data.bin"), "real.bin");
        // The model's folder itself reached through a link is still its folder.
        var linkedFolder = Path.Combine(_directory, "linked");
        Directory.CreateSymbolicLink(linkedFolder, modelDirectory);
        WriteExternalModel(modelDirectory, ("location", "data.bin"));

        var loaded = OnnxModelLoader.LoadModel(Path.Combine(linkedFolder, "model.onnx")).Graph.Initializer[0];

        Assert.Equal(12, loaded.RawData.Length);
        Assert.Equal(2f, BitConverter.ToSingle(loaded.RawData.Span[4..]));
    }

    [Theory]
    [InlineData("16", "12", "runs past the end of the file (20 bytes)")]
    [InlineData("21", null, "offset 21 lies past the end of the file (20 bytes)")]
    [InlineData("8", "9223372036854775807", "runs past the end of the file")]
    [InlineData("9223372036854775807", "9223372036854775807", "lies past the end of the file")]
    [InlineData("-1", null, "not a non-negative integer")]
    [InlineData("0x10", null, "not a non-negative integer")]
    public void LoadModel_ExternalDataRangeOutsideFile_CleanError(string offset, string? length, string expected)
    {
        File.WriteAllBytes(Path.Combine(_directory, "data.bin"), new byte[20]);
        List<(string, string)> entries = [("location", "data.bin"), ("offset", offset)];
        if (length is not null) entries.Add(("length", length));
        var path = WriteExternalModel(_directory, [.. entries]);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void LoadModel_ExternalDataIsADirectory_CleanError()
    {
        Subdirectory("data");
        var path = WriteExternalModel(_directory, ("location", "data"));

        Assert.Contains("is a directory", Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path)).Message);
    }

    [Fact]
    public void LoadModel_ExternalDataKeyRepeated_CleanError()
    {
        File.WriteAllBytes(Path.Combine(_directory, "data.bin"), new byte[12]);
        var path = WriteExternalModel(_directory, ("location", "data.bin"), ("location", "other.bin"));

        Assert.Contains("'location' appears twice", Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path)).Message);
    }

    [Fact]
    public void LoadModel_ExternalDataIsAPipe_RejectedWithoutBlocking()
    {
        var fifo = Path.Combine(_directory, "data.bin");
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [fifo]).ExitCode);
        var path = WriteExternalModel(_directory, ("location", "data.bin"), ("length", "12"));

        // Opening a pipe with no writer would block forever; the size check comes first.
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(path));

        Assert.Contains("runs past the end of the file (0 bytes)", error.Message);
    }

    [Fact]
    public void LoadModel_Directory_CleanError()
    {
        Assert.Contains("is a directory", Assert.Throws<OnnxFormatException>(() => OnnxModelLoader.LoadModel(_directory)).Message);
    }

    [Fact]
    public void LoadTensor_NodeTestInput_ParsesDimsAndData()
    {
        var path = "/usr/share/libonnx-testdata/data/node/test_relu/test_data_set_0/input_0.pb";
        Assert.True(File.Exists(path), "install libonnx-testdata");

        var tensor = OnnxModelLoader.LoadTensor(path);

        Assert.Equal([3L, 4, 5], tensor.Dims);
        Assert.Equal(60 * 4, tensor.RawData.Length);
    }
}
