using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// Gradient (ai.onnx.preview.training) compiled and run on our engine against PyTorch autograd: TestData/gradients.py
/// builds the same seven graphs in torch, seeds their inputs and writes the gradient of y.sum() for each input.
/// Together they cross every derivative rule, broadcasting undone at opsets 12 and 17, 1-D MatMul operands, a value
/// read three times and an input y does not depend on.
/// </summary>
public sealed class GradientOperatorTests(GradientOperatorTests.TorchGradients torch) : IClassFixture<GradientOperatorTests.TorchGradients>
{
    public static TheoryData<string> Cases => ["mlp", "elementwise", "layout", "vectors", "shared", "losses", "activations"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_Graph_GradientsMatchPyTorchAutograd(string name)
    {
        var inputs = torch.Inputs(name);
        var graph = Build(name, inputs);
        var xs = graph.Inputs.ToList();
        var y = graph.Outputs[0];
        var gradient = graph.AddNode("Gradient", [.. xs, y], [.. xs.Select(x => "d_" + x.Name)],
            Attributes(("xs", xs.Select(x => x.Name).ToArray()), ("y", y.Name)), "gradient");
        graph.Outputs.AddRange(gradient.Outputs.OfType<Value>());
        using var executor = new WasmExecutor();

        var outputs = executor.Execute(graph, inputs);

        for (var i = 0; i < xs.Count; i++)
        {
            var expected = torch.Gradient(name, i);
            AssertTensor(expected.Shape, DataType.Float32, expected.ToDoubleArray(), outputs[1 + i], tolerance: 1e-5);
        }
    }

    [Fact]
    public void Expand_OperatorWithoutDerivativeOnThePath_UnsupportedNamingTheNode()
    {
        var graph = new Graph("sin", 17);
        var x = new Value("x", DataType.Float32, [3]);
        graph.Inputs.Add(x);
        var y = graph.AddNode("Sin", [graph.AddNode("Exp", [x], ["e"]).Outputs[0]], ["y"], name: "sine").Outputs[0]!;
        graph.AddNode("Gradient", [x, y], ["dx"], Attributes(("xs", new[] { "x" }), ("y", "y")), "gradient");
        graph.Outputs.Add(graph.Nodes[^1].Outputs[0]!);

        var e = Assert.Throws<UnsupportedOperatorException>(() => new ExpandOperators().Run(graph));

        Assert.StartsWith("Gradient: node 'sine' (Sin) lies between the xs and y and has no derivative here", e.Message);
    }

    [Fact]
    public void Expand_GradientOfAnIntegerTensor_RejectedNamingIt()
    {
        var graph = new Graph("integers", 17);
        var x = new Value("x", DataType.Int64, [3]);
        graph.Inputs.Add(x);
        var y = graph.AddNode("Neg", [x], ["y"]).Outputs[0]!;
        graph.Outputs.Add(graph.AddNode("Gradient", [x, y], ["dx"], Attributes(("xs", new[] { "x" }), ("y", "y")), "gradient").Outputs[0]!);

        var e = Assert.Throws<GraphException>(() => new ExpandOperators().Run(graph));

        Assert.Contains("'x' is Int64; gradients are taken of and with respect to floating-point tensors", e.Message);
    }

    /// <summary>The forward graph of each case, as gradients.py writes it in torch; y is output 0.</summary>
    private static Graph Build(string name, Tensor[] inputs)
    {
        var graph = new Graph(name, name == "mlp" ? 12 : 17);
        var v = inputs.Select((t, i) => new Value($"in{i}", t.DataType, t.Shape)).ToArray();
        graph.Inputs.AddRange(v);
        Value Op(string opType, params Value[] operands) => graph.AddNode(opType, operands, [$"{opType}_{graph.Nodes.Count}"]).Outputs[0]!;
        Value With(string opType, Value[] operands, params (string, object)[] attributes) =>
            graph.AddNode(opType, operands, [$"{opType}_{graph.Nodes.Count}"], Attributes(attributes)).Outputs[0]!;
        var y = name switch
        {
            "mlp" => Op("Sigmoid", Op("Relu", Op("Add", Op("MatMul", v[0], v[1]), v[2]))),
            "elementwise" => Op("Neg", Op("Sub", Op("Tanh", Op("Div", Op("Exp", Op("Mul", v[0], v[1])), Op("Sqrt", v[0]))), Op("Log", v[0]))),
            "layout" => With("Gemm", [Op("Transpose", Op("Reshape", Op("MatMul", v[0], v[1]), graph.AddConstant("shape", L([2], 4, 4)))), v[2], v[3]],
                ("alpha", 0.5f), ("beta", 2f), ("transB", 1L)),
            "vectors" => Op("MatMul", Op("MatMul", v[0], v[1]), v[2]),
            "shared" => Op("Mul", Op("Add", v[0], v[0]), v[0]),
            "losses" => Op("Sub",
                With("ReduceMean", [Op("Pow", Op("Sub", Op("Softmax", v[0]), v[1]), graph.AddConstant("two", F([], 2f)))], ("keepdims", 0L)),
                With("ReduceSum", [Op("Mul", Op("LogSoftmax", v[0]), v[1]), graph.AddConstant("axis1", L([1], 1))], ("keepdims", 1L))),
            "activations" => Activations(graph, v[0], v[1]),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        graph.Outputs.Add(y);
        return graph;
    }

    private static Value Activations(Graph graph, Value a, Value e)
    {
        Value Op(string opType, Value[] operands, params (string, object)[] attributes) =>
            graph.AddNode(opType, operands, [$"{opType}_{graph.Nodes.Count}"], Attributes(attributes)).Outputs[0]!;
        var one = graph.AddConstant("one", F([], 1f));
        var magnitude = Op("Abs", [a]);
        var shifted = Op("Add", [magnitude, one]);
        var terms = new[]
        {
            Op("Mul", [Op("LeakyRelu", [a], ("alpha", 0.1f)), magnitude]),
            Op("Reciprocal", [shifted]),
            Op("Pow", [shifted, e]),
            Op("Cast", [Op("Cast", [a], ("to", (long)OnnxDataTypes.ToOnnx(DataType.Float64)))], ("to", (long)OnnxDataTypes.ToOnnx(DataType.Float32))),
        };
        return terms.Aggregate((sum, term) => Op("Add", [sum, term]));
    }

    /// <summary>Runs gradients.py once for the class and reads what it wrote.</summary>
    public sealed class TorchGradients() : PythonReference("Operators", "TestData", "gradients.py")
    {
        public Tensor[] Inputs(string name) => [.. Enumerable.Range(0, int.MaxValue).TakeWhile(i => Has($"{name}_in{i}")).Select(i => this[$"{name}_in{i}"])];

        public Tensor Gradient(string name, int input) => this[$"{name}_grad{input}"];
    }
}
