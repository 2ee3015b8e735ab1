using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Execution;

/// <summary>Real PyTorch exports, run through import, every pass and the reference executor, against PyTorch's own outputs.</summary>
public sealed class ReferenceExecutorModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("lenet5")]
    [InlineData("squeezenet1_1")]
    [InlineData("mobilenet_v2")]
    public void Execute_SharedPyTorchModelAfterPasses_MatchesPyTorchOutput(string name)
    {
        var graph = OnnxImporter.Import(TestPaths.Model(name + ".onnx"));
        var nodesBefore = graph.Nodes.Count;
        PassPipeline.Run(graph, new PassOptions(Verify: true));
        var input = Npy.Read(TestPaths.Model(name + ".input.npy"));
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy"));

        var actual = new ReferenceExecutor().Execute(graph, [input])[0];

        Assert.Equal(expected.Shape, actual.Shape);
        var (maxAbs, maxRel) = (0.0, 0.0);
        var e = expected.AsFloat32();
        var a = actual.AsFloat32();
        for (var i = 0; i < e.Length; i++)
        {
            var diff = Math.Abs(a[i] - e[i]);
            maxAbs = Math.Max(maxAbs, diff);
            maxRel = Math.Max(maxRel, diff / Math.Max(Math.Abs(e[i]), 1e-3));
            Assert.True(diff <= 1e-5 + 1e-4 * Math.Abs(e[i]), $"{name} element {i}: got {a[i]}, PyTorch {e[i]}");
        }
        output.WriteLine($"{name}: {nodesBefore} nodes imported, {graph.Nodes.Count} after passes; max abs diff {maxAbs:E2}, max rel diff {maxRel:E2}");
        foreach (var node in graph.Nodes.Take(8))
        {
            output.WriteLine("  " + node);
        }
    }

    [Fact]
    public void Execute_InputOfWrongShape_ThrowsNamingInput()
    {
        var graph = OnnxImporter.Import(TestPaths.Model("lenet5.onnx"));

        var error = Assert.Throws<GraphException>(() => new ReferenceExecutor().Execute(graph, [Tensor.Zeros(DataType.Float32, [1, 1, 27, 28])]));

        Assert.Contains("'input'", error.Message);
        Assert.Contains("1x1x28x28", error.Message);
    }
}
