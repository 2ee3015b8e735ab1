using Google.Protobuf;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Tests.Frontend;

/// <summary>
/// If's then_branch/else_branch graph attributes: imported as IR graphs whose inputs are the outer values they read
/// (appended to the node's inputs), so passes see the dependency and the reference executor can run either branch.
/// </summary>
public sealed class OnnxImporterSubgraphTests
{
    private static ValueInfoProto Info(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }

    private static NodeProto Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Branch(string name, GraphProto graph) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };

    /// <summary>y = If(cond) then x * 2 (reading x and a constant of the outer graph) else Neg(x); cond a bool input.</summary>
    public static ModelProto IfModel()
    {
        var then = new GraphProto { Name = "then" };
        then.Node.Add(Node("Mul", ["x", "two"], ["doubled"]));
        then.Output.Add(Info("doubled", 1, 3));
        var otherwise = new GraphProto { Name = "else" };
        otherwise.Node.Add(Node("Neg", ["x"], ["negated"]));
        otherwise.Output.Add(Info("negated", 1, 3));
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "if" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 16 });
        model.Graph.Input.Add(Info("cond", 9));
        model.Graph.Input.Add(Info("x", 1, 3));
        model.Graph.Initializer.Add(new TensorProto { Name = "two", DataType = 1, FloatData = { 2f } });
        model.Graph.Node.Add(Node("If", ["cond"], ["y"], Branch("then_branch", then), Branch("else_branch", otherwise)));
        model.Graph.Output.Add(Info("y", 1, 3));
        return model;
    }

    private static Graph Import(ModelProto model) => OnnxImporter.Import(new MemoryStream(model.ToByteArray()), "if.onnx");

    [Fact]
    public void Import_IfBranchesReadingOuterValues_CapturesBecomeNodeInputsAndBranchInputs()
    {
        var graph = Import(IfModel());

        var node = Assert.Single(graph.Nodes);
        Assert.Equal(["cond", "x", "two"], node.Inputs.Select(v => v!.Name));
        var branches = node.GetAttributes<IfAttributes>();
        Assert.Equal(["x", "two"], branches.ThenBranch.Inputs.Select(v => v.Name));
        Assert.Equal(["x", "two"], branches.ElseBranch.Inputs.Select(v => v.Name));
        Assert.Equal([3], graph.Outputs[0].Shape!);
    }

    [Theory]
    [InlineData(true, new[] { 2f, -4f, 6f })]
    [InlineData(false, new[] { -1f, 2f, -3f })]
    public void Import_If_ReferenceExecutorRunsTheBranchTheConditionSelects(bool condition, float[] expected)
    {
        var graph = Import(IfModel());

        var y = new ReferenceExecutor().Execute(graph, [new Tensor(DataType.Bool, [], new[] { condition }), Tensor.FromFloats([3], [1f, -2f, 3f])])[0];

        Assert.Equal(expected, y.AsFloat32());
    }

    [Fact]
    public void Import_SubgraphWithInputs_ErrorNamesNodeAndAttribute()
    {
        var body = new GraphProto { Name = "body" };
        body.Input.Add(Info("i", 7));
        body.Output.Add(Info("i", 7));
        var model = IfModel();
        model.Graph.Node[0].Attribute[1] = Branch("else_branch", body);

        var error = Assert.Throws<UnsupportedOperatorException>(() => Import(model));

        Assert.Contains("attribute 'else_branch' is a subgraph with inputs", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("if.onnx: node 'If_0' (If, opset 16)", error.Message, StringComparison.Ordinal);
    }
}
