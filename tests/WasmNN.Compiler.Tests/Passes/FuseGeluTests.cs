using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Lowering;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FuseGeluTests
{
    private const int Rows = 5, Inner = 8, Outer = 12;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_SpelledOutErfGelu_OneGeluComputingTheSameValues(bool halfFirst)
    {
        var input = PassTestGraphs.Random([Rows, Inner], 11, scale: 3);
        // The reference executor evaluates the spelled-out primitives, each by the ONNX spec.
        var expected = new ReferenceExecutor().Execute(LinearThenGelu(halfFirst), [input])[0].AsFloat32();
        var g = LinearThenGelu(halfFirst);

        Assert.True(new FuseGelu().Run(g));
        Verifier.Verify(g);

        Assert.Equal(["MatMul", "Add", "Gelu"], g.Nodes.Select(n => n.OpType));
        Assert.False(g.Nodes[^1].GetAttributes<GeluAttributes>().Tanh);
        Assert.Equal("y", g.Nodes[^1].Outputs[0]!.Name);
        ModelEndToEndTests.AssertClose("fused gelu (reference)", expected, new ReferenceExecutor().Execute(g, [input])[0].AsFloat32());
    }

    [Fact]
    public void Compile_LinearThenSpelledOutGelu_OneGemmKernelWithGeluInItsEpilogueMatchingTheReference()
    {
        var input = PassTestGraphs.Random([Rows, Inner], 12, scale: 3);
        var expected = new ReferenceExecutor().Execute(LinearThenGelu(halfFirst: false), [input])[0].AsFloat32();
        var g = LinearThenGelu(halfFirst: false);

        PassPipeline.Run(g, new PassOptions(Verify: true));

        var gemm = Assert.Single(g.Nodes);
        Assert.Equal(["Add", "Gelu"], gemm.Epilogue.Select(e => e.Operator.OpType));
        using var executor = new WasmExecutor(new CompileOptions());
        ModelEndToEndTests.AssertClose("linear + gelu (wasm)", expected, executor.Execute(LinearThenGelu(halfFirst: false), [input])[0].AsFloat32());
    }

    [Fact]
    public void Run_ErfAlsoAGraphOutput_Untouched()
    {
        var g = LinearThenGelu(halfFirst: false);
        g.Outputs.Add(g.Nodes.Single(n => n.OpType == "Erf").Outputs[0]!);

        Assert.False(new FuseGelu().Run(g));
        Assert.Contains(g.Nodes, n => n.OpType == "Erf");
    }

    [Fact]
    public void Run_AddsTwoNotOne_Untouched()
    {
        var g = LinearThenGelu(halfFirst: false, one: 2);

        Assert.False(new FuseGelu().Run(g));
        Assert.DoesNotContain(g.Nodes, n => n.OpType == "Gelu");
    }

    /// <summary>
    /// y = gelu(x W + b) as torch.onnx.export writes F.gelu at opset 14: Div(h, sqrt 2), Erf, Add 1, Mul(h, .),
    /// Mul 0.5; or with <paramref name="halfFirst"/> as Hugging Face writes it, h * 0.5 * (1 + erf(h / sqrt 2)).
    /// </summary>
    private static Graph LinearThenGelu(bool halfFirst, float one = 1)
    {
        var g = new Graph("gelu", 14);
        var x = new Value("x", DataType.Float32, [Rows, Inner]);
        g.Inputs.Add(x);
        var product = g.AddNode("MatMul", [x, g.AddConstant("w", PassTestGraphs.Random([Inner, Outer], 1))], ["p"]).Outputs[0];
        var h = g.AddNode("Add", [product, g.AddConstant("b", PassTestGraphs.Random([Outer], 2))], ["h"]).Outputs[0];
        var scaled = g.AddNode("Div", [h, g.AddConstant("sqrt2", Tensor.Scalar(MathF.Sqrt(2)))], ["scaled"]).Outputs[0];
        var erf = g.AddNode("Erf", [scaled], ["erf"]).Outputs[0];
        var onePlus = g.AddNode("Add", [erf, g.AddConstant("one", Tensor.Scalar(one))], ["one_plus"]).Outputs[0];
        var half = g.AddConstant("half", Tensor.Scalar(0.5f));
        var y = halfFirst
            ? g.AddNode("Mul", [g.AddNode("Mul", [h, half], ["half_h"]).Outputs[0], onePlus], ["y"]).Outputs[0]
            : g.AddNode("Mul", [g.AddNode("Mul", [h, onePlus], ["h_times"]).Outputs[0], half], ["y"]).Outputs[0];
        g.Outputs.Add(y!);
        return g;
    }
}
