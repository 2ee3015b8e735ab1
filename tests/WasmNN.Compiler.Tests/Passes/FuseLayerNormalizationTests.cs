using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Lowering;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FuseLayerNormalizationTests
{
    private const int Rows = 6, Hidden = 12;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_TorchSpelledOutLayerNorm_OneLayerNormalizationComputingTheSameValues(bool squareByMul)
    {
        var input = PassTestGraphs.Random([2, Rows / 2, Hidden], 3, scale: 4);
        // The reference executor evaluates the spelled-out primitives, each by the ONNX spec.
        var expected = new ReferenceExecutor().Execute(SpelledOutLayerNorm(squareByMul), [input])[0].AsFloat32();
        var g = SpelledOutLayerNorm(squareByMul);

        Assert.True(new FuseLayerNormalization().Run(g));
        Verifier.Verify(g);

        var layerNorm = Assert.Single(g.Nodes);
        Assert.Equal("LayerNormalization", layerNorm.OpType);
        Assert.Equal(1e-5f, layerNorm.GetAttributes<LayerNormalizationAttributes>().Epsilon);
        Assert.Equal("y", layerNorm.Outputs[0]!.Name);
        ModelEndToEndTests.AssertClose("fused layer norm (reference)", expected, new ReferenceExecutor().Execute(g, [input])[0].AsFloat32());
        using var executor = new WasmExecutor(new CompileOptions());
        ModelEndToEndTests.AssertClose("fused layer norm (wasm)", expected, executor.Execute(SpelledOutLayerNorm(squareByMul), [input])[0].AsFloat32());
    }

    [Fact]
    public void Run_CenteredValueAlsoAGraphOutput_Untouched()
    {
        var g = SpelledOutLayerNorm(squareByMul: false);
        g.Outputs.Add(g.Nodes.Single(n => n.OpType == "Sub").Outputs[0]!);
        var before = g.Nodes.Select(n => n.OpType).ToArray();

        Assert.False(new FuseLayerNormalization().Run(g));
        Assert.Equal(before, g.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Run_ExponentThree_Untouched()
    {
        var g = SpelledOutLayerNorm(squareByMul: false, exponent: 3);

        Assert.False(new FuseLayerNormalization().Run(g));
        Assert.Contains(g.Nodes, n => n.OpType == "Pow");
    }

    /// <summary>
    /// torch.onnx.export's nn.LayerNorm(12) at opset 14: ReduceMean, Sub, Pow(2) (or Mul(d, d)), ReduceMean,
    /// Add(epsilon), Sqrt, Div, Mul(weight), Add(bias).
    /// </summary>
    private static Graph SpelledOutLayerNorm(bool squareByMul, float exponent = 2)
    {
        var g = new Graph("layer_norm", 14);
        var x = new Value("x", DataType.Float32, [2, Rows / 2, Hidden]);
        g.Inputs.Add(x);
        var lastAxis = new AttributeBag(("axes", new long[] { -1 }));
        var mean = g.AddNode("ReduceMean", [x], ["mean"], lastAxis).Outputs[0];
        var d = g.AddNode("Sub", [x, mean], ["d"]).Outputs[0];
        var square = squareByMul
            ? g.AddNode("Mul", [d, d], ["square"]).Outputs[0]
            : g.AddNode("Pow", [d, g.AddConstant("two", Tensor.Scalar(exponent))], ["square"]).Outputs[0];
        var variance = g.AddNode("ReduceMean", [square], ["variance"], lastAxis).Outputs[0];
        var shifted = g.AddNode("Add", [variance, g.AddConstant("epsilon", Tensor.Scalar(1e-5f))], ["shifted"]).Outputs[0];
        var deviation = g.AddNode("Sqrt", [shifted], ["deviation"]).Outputs[0];
        var normalized = g.AddNode("Div", [d, deviation], ["normalized"]).Outputs[0];
        var scaled = g.AddNode("Mul", [normalized, g.AddConstant("weight", PassTestGraphs.Random([Hidden], 5))], ["scaled"]).Outputs[0];
        g.Outputs.Add(g.AddNode("Add", [scaled, g.AddConstant("bias", PassTestGraphs.Random([Hidden], 6))], ["y"]).Outputs[0]!);
        return g;
    }
}
