using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using WasmNN.Onnx.Protos;

namespace WasmNN.Onnx.Tests;

/// <summary>
/// <see cref="OnnxModelLoader.OpenModel"/>: the model without its weights, each initializer's bytes named by a file
/// range that holds exactly what <see cref="OnnxModelLoader.LoadModel(string)"/> reads into raw_data.
/// </summary>
public sealed class OnnxModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wasmnn-onnx-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string SharedModel(string name) => Path.Combine(RepositoryPaths.Shared, "models", name);

    private static byte[] Read(TensorDataRange range)
    {
        using var file = File.OpenRead(range.Path);
        file.Position = range.Offset;
        var bytes = new byte[range.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    [Theory]
    [InlineData("lenet5.onnx")]
    [InlineData("squeezenet1_1.onnx")]
    public void OpenModel_PyTorchExport_RangesHoldEachInitializersRawData(string name)
    {
        var loaded = OnnxModelLoader.LoadModel(SharedModel(name));

        var opened = OnnxModelLoader.OpenModel(SharedModel(name));

        Assert.Equal(loaded.Graph.Initializer.Count, opened.Model.Graph.Initializer.Count);
        Assert.Equal(loaded.Graph.Initializer.Count(t => t.HasRawData), opened.DataRanges.Count);
        foreach (var (full, weightless) in loaded.Graph.Initializer.Zip(opened.Model.Graph.Initializer))
        {
            Assert.Equal(full.Name, weightless.Name);
            Assert.False(weightless.HasRawData);
            Assert.Equal(full.RawData.ToByteArray(), Read(opened.DataRanges[weightless]));
        }
        // Everything else is as the full parse has it.
        foreach (var t in loaded.Graph.Initializer)
        {
            t.ClearRawData();
        }
        Assert.Equal(loaded, opened.Model);
    }

    [Fact]
    public void OpenModel_ExternalData_RangeInTheDataFileAndNothingRead()
    {
        float[] values = [1.5f, -2f, 3.25f];
        var payload = new byte[8 + values.Length * 4];
        Buffer.BlockCopy(values, 0, payload, 8, values.Length * 4);
        File.WriteAllBytes(Path.Combine(_directory, "weights.bin"), payload);
        var tensor = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.Add(3);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "8" });
        var model = new ModelProto { Graph = new GraphProto { Name = "g" } };
        model.Graph.Initializer.Add(tensor);
        var path = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());

        var opened = OnnxModelLoader.OpenModel(path);

        var range = opened.DataRanges[Assert.Single(opened.Model.Graph.Initializer)];
        Assert.Equal((Path.Combine(_directory, "weights.bin"), 8L, 12L), (range.Path, range.Offset, range.Length));
        Assert.Equal(TensorProto.Types.DataLocation.Default, opened.Model.Graph.Initializer[0].DataLocation);
    }

    [Fact]
    public void OpenModel_DamagedLeNet5_OnlyOnnxFormatException()
    {
        var original = File.ReadAllBytes(SharedModel("lenet5.onnx"));
        var path = Path.Combine(_directory, "damaged.onnx");
        var damage = Gen.Choose(0, int.MaxValue).Select(seed => ByteDamage.Apply(original, seed));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(damage.ToArbitrary(), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            try
            {
                OnnxModelLoader.OpenModel(path);
            }
            catch (OnnxFormatException e)
            {
                Assert.Contains("damaged.onnx", e.Message);
            }
        }));
    }
}
