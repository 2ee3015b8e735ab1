using Google.Protobuf;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Passes;
using WasmNN.Compiler.Zoo;
using WasmNN.Onnx.Protos;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Zoo;

public sealed class ModelZooTests(ITestOutputHelper output)
{
    public static TheoryData<string, int[], int> Models => new()
    {
        { "lenet5", [1, 1, 28, 28], 10 },
        { "squeezenet1_1", [1, 3, 224, 224], 1000 },
        { "mobilenet_v2", [1, 3, 224, 224], 1000 },
        { "resnet50", [1, 3, 224, 224], 1000 },
    };

    private static ModelProto Build(string name) => name switch
    {
        "lenet5" => ModelZoo.LeNet5(),
        "squeezenet1_1" => ModelZoo.SqueezeNet11(),
        "mobilenet_v2" => ModelZoo.MobileNetV2(),
        _ => ModelZoo.ResNet50(),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ZooModel_SerializedImportedAndRun_FiniteOutputOfExpectedShape(string name, int[] inputShape, int classes)
    {
        var bytes = Build(name).ToByteArray();
        var graph = OnnxImporter.Import(new MemoryStream(bytes), name + ".onnx");
        var imported = graph.Nodes.Count;
        PassPipeline.Run(graph, new PassOptions(Verify: true));

        var result = new ReferenceExecutor().Execute(graph, [PassTestGraphs.Random(inputShape, 42)])[0];

        Assert.Equal([1, classes], result.Shape);
        var logits = result.AsFloat32();
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
        var mean = logits.Average();
        var spread = Math.Sqrt(logits.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(spread, 1e-3, 1e3);
        output.WriteLine($"{name}: {bytes.Length / 1e6:F1} MB, {imported} nodes imported, {graph.Nodes.Count} after passes, logits mean {mean:F3} std {spread:F3}");
    }

    [Fact]
    public void ModelZoo_SameSeed_SameBytes()
    {
        Assert.Equal(ModelZoo.LeNet5(5).ToByteArray(), ModelZoo.LeNet5(5).ToByteArray());
        Assert.NotEqual(ModelZoo.LeNet5(5).ToByteArray(), ModelZoo.LeNet5(6).ToByteArray());
    }
}
