using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Tests.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// A self-attention block (projections, head split by Reshape + Transpose, batched MatMul of [B,H,S,D] by
/// [B,H,D,S], Softmax, residual Add, LayerNormalization) compiled to wasm and run on our engine, against the
/// reference executor's evaluation of the same graph.
/// </summary>
public sealed class TransformerBlockTests
{
    private const int Batch = 2, Sequence = 5, Model = 8, Heads = 2, HeadSize = Model / Heads;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Compile_AttentionBlock_MatchesReferenceExecutor(bool simd)
    {
        var input = PassTestGraphs.Random([Batch, Sequence, Model], 7, scale: 2);
        var expected = new ReferenceExecutor().Execute(AttentionBlock(), [input])[0].AsFloat32();

        using var executor = new WasmExecutor(new CompileOptions { Simd = simd });
        var actual = executor.Execute(AttentionBlock(), [input])[0].AsFloat32();

        ModelEndToEndTests.AssertClose($"attention block (simd {simd})", expected, actual);
    }

    /// <summary>y = LayerNorm(x + Attention(x)), attention with two heads and a scaled softmax over the keys.</summary>
    private static Graph AttentionBlock()
    {
        var g = new Graph("attention", 17);
        var x = new Value("x", DataType.Float32, [Batch, Sequence, Model]);
        g.Inputs.Add(x);
        Value Linear(Value input, string name, int seed)
        {
            var weight = g.AddConstant(name + ".w", PassTestGraphs.Random([Model, Model], seed, scale: 0.5));
            var bias = g.AddConstant(name + ".b", PassTestGraphs.Random([Model], seed + 100, scale: 0.1));
            var product = g.AddNode("MatMul", [input, weight], [name + ".mm"]).Outputs[0]!;
            return g.AddNode("Add", [product, bias], [name]).Outputs[0]!;
        }
        var headShape = g.AddConstant("head_shape", Tensor.FromInt64s([4], [Batch, Sequence, Heads, HeadSize]));
        Value Heads4(Value projected, string name, long[] perm) =>
            g.AddNode("Transpose", [g.AddNode("Reshape", [projected, headShape], [name + ".r"]).Outputs[0]], [name + ".t"],
                new AttributeBag(("perm", perm))).Outputs[0]!;
        var q = Heads4(Linear(x, "q", 1), "q", [0, 2, 1, 3]);
        var kT = Heads4(Linear(x, "k", 2), "k", [0, 2, 3, 1]);
        var v = Heads4(Linear(x, "v", 3), "v", [0, 2, 1, 3]);
        var scores = g.AddNode("MatMul", [q, kT], ["scores"]).Outputs[0]!;
        var scale = g.AddConstant("scale", Tensor.Scalar(1f / MathF.Sqrt(HeadSize)));
        var scaled = g.AddNode("Mul", [scores, scale], ["scaled"]).Outputs[0]!;
        var probabilities = g.AddNode("Softmax", [scaled], ["probabilities"], new AttributeBag(("axis", -1L))).Outputs[0]!;
        var context = g.AddNode("MatMul", [probabilities, v], ["context"]).Outputs[0]!;
        var merged = g.AddNode("Transpose", [context], ["context.t"], new AttributeBag(("perm", new long[] { 0, 2, 1, 3 }))).Outputs[0]!;
        var modelShape = g.AddConstant("model_shape", Tensor.FromInt64s([3], [Batch, Sequence, Model]));
        var attention = Linear(g.AddNode("Reshape", [merged, modelShape], ["context.r"]).Outputs[0]!, "o", 4);
        var residual = g.AddNode("Add", [x, attention], ["residual"]).Outputs[0]!;
        var gamma = g.AddConstant("gamma", PassTestGraphs.Random([Model], 5, scale: 1));
        var beta = g.AddConstant("beta", PassTestGraphs.Random([Model], 6, scale: 0.2));
        var y = g.AddNode("LayerNormalization", [residual, gamma, beta], ["y"], new AttributeBag(("axis", -1L), ("epsilon", 1e-5f))).Outputs[0]!;
        g.Outputs.Add(y);
        return g;
    }
}
