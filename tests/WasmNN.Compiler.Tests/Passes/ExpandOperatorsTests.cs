using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Operators;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// The optimizers become elementwise nodes; compiled and run on our engine they give the values of the ONNX package's
/// own update functions (the same cases as <see cref="OptimizerOperatorTests"/>).
/// </summary>
public sealed class ExpandOperatorsTests
{
    public static TheoryData<string, (string, object)[], double[]> Cases => new()
    {
        { "Adagrad", [("decay_factor", 0.1f), ("epsilon", 1e-5f), ("norm_coefficient", 0.001f)], [1.2728978, 2.8763132, 0.9813454, 6.3360076] },
        { "Adam", [("alpha", 0.95f), ("beta", 0.1f), ("epsilon", 1e-7f), ("norm_coefficient", 0.001f)], [-0.02612555, 1.8261325, 1.56806, 3.2951398, 0.8032108, 5.622407] },
        { "Momentum", [("alpha", 0.95f), ("beta", 0.1f), ("norm_coefficient", 0.001f), ("mode", "standard")], [1.047888, 2.482972, 1.5211201, 3.1702797] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_Optimizer_OnlyStandardOperatorsLeft(string opType, (string, object)[] attributes, double[] expected)
    {
        _ = expected;
        var (graph, _) = Optimizer(opType, attributes);

        Assert.True(new ExpandOperators().Run(graph));
        Verifier.Verify(graph);

        Assert.DoesNotContain(graph.Nodes, n => n.Operator is IExpandsToStandardOperators);
        Assert.Equal(graph.Outputs.Count, graph.Outputs.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_Optimizer_OnOurEngineMatchesOnnxUpdateFunctions(string opType, (string, object)[] attributes, double[] expected)
    {
        var (graph, inputs) = Optimizer(opType, attributes);
        using var executor = new WasmExecutor(new CompileOptions());

        var outputs = executor.Execute(graph, inputs);

        var actual = outputs.SelectMany(t => t.ToDoubleArray()).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{opType} element {i}: got {actual[i]}, expected {expected[i]}");
        }
    }

    private static (Graph Graph, Tensor[] Inputs) Optimizer(string opType, (string, object)[] attributes)
    {
        var t = OptimizerOperatorTests.T;
        Tensor[] inputs = opType == "Adam"
            ? [OptimizerOperatorTests.R, t, OptimizerOperatorTests.X, OptimizerOperatorTests.G, OptimizerOperatorTests.V, OptimizerOperatorTests.H]
            : [OptimizerOperatorTests.R, t, OptimizerOperatorTests.X, OptimizerOperatorTests.G, opType == "Adagrad" ? OptimizerOperatorTests.H : OptimizerOperatorTests.V];
        var graph = new Graph("optimizer", 12);
        graph.Inputs.AddRange(inputs.Select((x, i) => new Value($"in{i}", x.DataType, x.Shape)));
        var outputs = Enumerable.Range(0, inputs.Length - 3).Select(i => (string?)$"out{i}").ToList();
        var node = graph.AddNode(opType, graph.Inputs, outputs, Attributes(attributes));
        graph.Outputs.AddRange(node.Outputs.OfType<Value>());
        return (graph, inputs);
    }
}
