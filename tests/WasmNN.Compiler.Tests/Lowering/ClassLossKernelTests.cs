using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Execution;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The loss kernels on targets the spec forbids (outside [0, C) and not ignore_index): the module clamps them like
/// Gather's indices, so the result equals the reference evaluation on the clamped targets, and nothing past the
/// tensor's own row is read (the weight tensor is last in its buffer, so an unclamped read would pick up a neighbour).
/// </summary>
public sealed class ClassLossKernelTests
{
    [Theory]
    [InlineData("NegativeLogLikelihoodLoss")]
    [InlineData("SoftmaxCrossEntropyLoss")]
    public void Loss_TargetsOutsideTheClasses_MatchTheReferenceOnClampedTargets(string opType)
    {
        var scores = Tensor.FromFloats([3, 3], [-0.5f, -1.2f, -2.0f, -0.1f, -3.0f, -0.7f, -1.5f, -0.2f, -0.9f]);
        var weights = Tensor.FromFloats([3], [0.5f, 1, 2]);
        var outOfRange = Tensor.FromInt64s([3], [7, -4, 1]);
        var clamped = Tensor.FromInt64s([3], [2, 0, 1]);

        var expected = new ReferenceExecutor().Execute(Graph(opType, "none"), [scores, clamped, weights])[0].AsFloat32();
        foreach (var simd in new[] { true, false })
        {
            using var executor = new WasmExecutor(new CompileOptions { Simd = simd });
            var actual = executor.Execute(Graph(opType, "none"), [scores, outOfRange, weights])[0].AsFloat32();
            Assert.Equal(expected, actual);
        }
    }

    private static Graph Graph(string opType, string reduction)
    {
        var g = new Graph(opType, 13);
        var scores = new Value("scores", DataType.Float32, [3, 3]);
        var target = new Value("target", DataType.Int64, [3]);
        var weight = new Value("weight", DataType.Float32, [3]);
        g.Inputs.AddRange([scores, target, weight]);
        g.Outputs.Add(g.AddNode(opType, [scores, target, weight], ["loss"], new AttributeBag([("reduction", reduction)])).Outputs[0]!);
        return g;
    }
}
