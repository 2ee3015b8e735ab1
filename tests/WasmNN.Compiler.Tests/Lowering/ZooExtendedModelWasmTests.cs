using System.Diagnostics;
using System.Numerics.Tensors;
using Google.Protobuf;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Passes;
using WasmNN.Compiler.Zoo;
using WasmNN.Onnx.Protos;
using WasmNN.Runtime;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The zoo's extended architectures (VGG, DenseNet, GoogLeNet, ShuffleNetV2, EfficientNet-B0, transformer encoder)
/// compiled to wasm and run on our engine, against the C# reference executor on the same ONNX bytes. Each covers
/// operator patterns the classic CNNs do not: many-input Concat, AveragePool, Split and channel shuffle, Swish and
/// squeeze-and-excitation broadcasts, batched MatMul attention with Softmax, LayerNormalization and Erf.
/// </summary>
public sealed class ZooExtendedModelWasmTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, Func<ModelProto>> s_models = new()
    {
        ["vgg11"] = () => ModelZoo.Vgg11(),
        ["densenet121"] = () => ModelZoo.DenseNet121(),
        ["googlenet"] = () => ModelZoo.GoogLeNet(),
        ["shufflenetv2"] = () => ModelZoo.ShuffleNetV2(),
        ["efficientnetb0"] = () => ModelZoo.EfficientNetB0(),
        ["transformer"] = () => ModelZoo.TransformerEncoder(),
    };

    public static TheoryData<string> Models => [.. s_models.Keys];

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_ExtendedZooModelOnOurEngine_MatchesReferenceExecutor(string name)
    {
        var stopwatch = Stopwatch.StartNew();
        var onnx = s_models[name]().ToByteArray();
        var reference = OnnxImporter.Import(new MemoryStream(onnx), name + ".onnx");
        var shape = reference.Inputs[0].Shape!;
        var input = PassTestGraphs.Random(shape, 7);
        PassPipeline.Run(reference, new PassOptions(Verify: true));
        var expected = new ReferenceExecutor().Execute(reference, [input])[0].AsFloat32();
        var referenceTime = stopwatch.Elapsed;
        // Seeded weights must keep activations sane, or the comparison would pass on saturated or constant outputs.
        Assert.All(expected, value => Assert.True(float.IsFinite(value) && Math.Abs(value) < 1e4, $"{name}: reference output {value}"));
        Assert.True(expected.Max() - expected.Min() > 1e-3, $"{name}: reference output is nearly constant");

        var result = ModelCompiler.Compile(new MemoryStream(onnx), new CompileOptions { ModelName = name, VerifyPasses = true });
        using var model = CompiledModel.Load(result.Wasm);
        var actual = model.Run(Tensor.Create(input.AsFloat32(), [.. shape.Select(d => (nint)d)]))[0].ToArray();

        ModelEndToEndTests.AssertClose(name + " (zoo) on our engine", expected, actual);
        output.WriteLine($"{name}: {result.Statistics}; reference {referenceTime.TotalSeconds:F1} s, total {stopwatch.Elapsed.TotalSeconds:F1} s");
    }
}
