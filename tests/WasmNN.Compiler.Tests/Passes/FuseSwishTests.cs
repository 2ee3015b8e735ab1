using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Lowering;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FuseSwishTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_ConvThenSpelledOutSilu_OneSwishComputingTheSameValues(bool gateFirst)
    {
        var input = PassTestGraphs.Random([1, 2, 5, 5], 21, scale: 3);
        // The reference executor evaluates Sigmoid and Mul each by the ONNX spec.
        var expected = new ReferenceExecutor().Execute(ConvThenSilu(gateFirst), [input])[0].AsFloat32();
        var g = ConvThenSilu(gateFirst);

        Assert.True(new FuseSwish().Run(g));
        Verifier.Verify(g);

        Assert.Equal(["Conv", "Swish"], g.Nodes.Select(n => n.OpType));
        Assert.Equal(1, g.Nodes[^1].GetAttributes<SwishAttributes>().Alpha);
        Assert.Equal("y", g.Nodes[^1].Outputs[0]!.Name);
        ModelEndToEndTests.AssertClose("fused silu (reference)", expected, new ReferenceExecutor().Execute(g, [input])[0].AsFloat32());
    }

    [Fact]
    public void Compile_ConvThenSpelledOutSilu_OneConvKernelWithSwishInItsTileMatchingTheReference()
    {
        var input = PassTestGraphs.Random([1, 2, 5, 5], 22, scale: 3);
        var expected = new ReferenceExecutor().Execute(ConvThenSilu(gateFirst: false), [input])[0].AsFloat32();
        var g = ConvThenSilu(gateFirst: false);

        PassPipeline.Run(g, new PassOptions(Verify: true));

        var conv = Assert.Single(g.Nodes);
        Assert.Equal(["Swish"], conv.Epilogue.Select(e => e.Operator.OpType));
        using var executor = new WasmExecutor(new CompileOptions());
        ModelEndToEndTests.AssertClose("conv + silu (wasm)", expected, executor.Execute(ConvThenSilu(gateFirst: false), [input])[0].AsFloat32());
    }

    [Fact]
    public void Run_SigmoidAlsoAGraphOutput_Untouched()
    {
        var g = ConvThenSilu(gateFirst: false);
        g.Outputs.Add(g.Nodes.Single(n => n.OpType == "Sigmoid").Outputs[0]!);

        Assert.False(new FuseSwish().Run(g));
        Assert.Equal(["Conv", "Sigmoid", "Mul"], g.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Run_GateOfAnotherValue_Untouched()
    {
        var g = ConvThenSilu(gateFirst: false, gateOfInput: true);

        Assert.False(new FuseSwish().Run(g));
        Assert.DoesNotContain(g.Nodes, n => n.OpType == "Swish");
    }

    /// <summary>
    /// y = c * sigmoid(c), c = Conv(x), as torch.onnx.export writes nn.SiLU below opset 24 (EfficientNet's activation);
    /// <paramref name="gateFirst"/> swaps the Mul's operands, <paramref name="gateOfInput"/> gates c by sigmoid(x') instead.
    /// </summary>
    private static Graph ConvThenSilu(bool gateFirst, bool gateOfInput = false)
    {
        var g = new Graph("silu", 13);
        var x = new Value("x", DataType.Float32, [1, 2, 5, 5]);
        g.Inputs.Add(x);
        var c = g.AddNode("Conv", [x, g.AddConstant("w", PassTestGraphs.Random([2, 2, 1, 1], 3))], ["c"]).Outputs[0]!;
        var other = gateOfInput ? g.AddNode("Relu", [x], ["other"]).Outputs[0]! : c;
        var gate = g.AddNode("Sigmoid", [other], ["gate"]).Outputs[0]!;
        var y = g.AddNode("Mul", gateFirst ? [gate, c] : [c, gate], ["y"]).Outputs[0];
        g.Outputs.Add(y!);
        return g;
    }
}
