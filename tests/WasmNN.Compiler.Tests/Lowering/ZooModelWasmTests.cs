using System.Numerics.Tensors;
using Google.Protobuf;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Passes;
using WasmNN.Compiler.Zoo;
using WasmNN.Runtime;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The zoo's models compiled to wasm and run on our engine, against the C# reference executor on the same ONNX
/// bytes (plain, obviously-correct operator implementations: an independent oracle for the generated kernels).
/// </summary>
public sealed class ZooModelWasmTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => ["lenet5", "resnet50"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_ZooModelOnOurEngine_MatchesReferenceExecutor(string name)
    {
        var onnx = (name == "lenet5" ? ModelZoo.LeNet5() : ModelZoo.ResNet50()).ToByteArray();
        var reference = OnnxImporter.Import(new MemoryStream(onnx), name + ".onnx");
        var shape = reference.Inputs[0].Shape!;
        var input = PassTestGraphs.Random(shape, 7);
        PassPipeline.Run(reference, new PassOptions(Verify: true));
        var expected = new ReferenceExecutor().Execute(reference, [input])[0].AsFloat32();

        var result = ModelCompiler.Compile(new MemoryStream(onnx), new CompileOptions { ModelName = name, VerifyPasses = true });
        using var model = CompiledModel.Load(result.Wasm);
        var actual = model.Run(Tensor.Create(input.AsFloat32(), [.. shape.Select(d => (nint)d)]))[0].ToArray();

        ModelEndToEndTests.AssertClose(name + " (zoo) on our engine", expected, actual);
        output.WriteLine($"{name}: {result.Statistics}");
    }
}
