using System.Numerics.Tensors;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The shared PyTorch exports compiled to wasm and run on our engine and on Node's V8, against PyTorch's own outputs
/// (an independent source): rtol 1e-4 plus atol 1e-5.
/// </summary>
public sealed class ModelEndToEndTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => ["lenet5", "squeezenet1_1", "mobilenet_v2"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_SimdModuleOnNode_MatchesPyTorch(string name)
    {
        Assert.True(NodeRunner.IsAvailable, "node is required (scripts/test.sh installs nodejs)");
        var result = ModelCompiler.Compile(TestPaths.Model(name + ".onnx"));
        var input = Npy.Read(TestPaths.Model(name + ".input.npy")).AsFloat32();
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy")).AsFloat32();

        var actual = NodeRunner.Run(result.Wasm, [input], 1)[0];

        AssertClose(name + " on node", expected, actual);
        output.WriteLine($"{name}: {result.Statistics}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_ScalarModuleOnOurEngine_MatchesPyTorch(string name)
    {
        var result = ModelCompiler.Compile(TestPaths.Model(name + ".onnx"), new CompileOptions { Simd = false });
        var input = Npy.Read(TestPaths.Model(name + ".input.npy"));
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy")).AsFloat32();
        using var model = CompiledModel.Load(result.Wasm);

        var outputs = model.Run(Tensor.Create(input.AsFloat32(), [.. input.Shape.Select(d => (nint)d)]));

        AssertClose(name + " scalar on our engine", expected, outputs[0].ToArray());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_RelaxedSimdModuleOnOurEngine_MatchesPyTorch(string name)
    {
        var result = ModelCompiler.Compile(TestPaths.Model(name + ".onnx"), new CompileOptions { RelaxedSimd = true });
        var input = Npy.Read(TestPaths.Model(name + ".input.npy"));
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy")).AsFloat32();
        using var model = CompiledModel.Load(result.Wasm);

        var outputs = model.Run(Tensor.Create(input.AsFloat32(), [.. input.Shape.Select(d => (nint)d)]));

        AssertClose(name + " relaxed SIMD on our engine", expected, outputs[0].ToArray());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_SimdModuleOnOurEngine_MatchesPyTorchAndNode(string name)
    {
        var result = ModelCompiler.Compile(TestPaths.Model(name + ".onnx"));
        var input = Npy.Read(TestPaths.Model(name + ".input.npy"));
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy")).AsFloat32();
        using var model = CompiledModel.Load(result.Wasm);

        var first = model.Run(Tensor.Create(input.AsFloat32(), [.. input.Shape.Select(d => (nint)d)]))[0].ToArray();
        var again = model.Run(Tensor.Create(input.AsFloat32(), [.. input.Shape.Select(d => (nint)d)]))[0].ToArray();

        AssertClose(name + " on our engine", expected, first);
        Assert.Equal(first, again);
        if (NodeRunner.IsAvailable)
        {
            Assert.Equal(NodeRunner.Run(result.Wasm, [input.AsFloat32()], 1)[0], first);
        }
    }

    internal static void AssertClose(string what, float[] expected, float[] actual, double rtol = 1e-4, double atol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(diff <= atol + rtol * Math.Abs(expected[i]), $"{what}: element {i} is {actual[i]}, expected {expected[i]}");
        }
    }
}
