using Google.Protobuf;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Tests.Frontend;

public sealed class OnnxImporterTests
{
    private static ValueInfoProto FloatInfo(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static ModelProto SingleNodeModel(int opset, NodeProto node, params string[] extraInputs)
    {
        var model = new ModelProto { IrVersion = 7, Graph = new GraphProto { Name = "single" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        model.Graph.Node.Add(node);
        model.Graph.Input.Add(FloatInfo("x", 4));
        model.Graph.Output.Add(FloatInfo("y", 4));
        return model;
    }

    private static Graph Import(ModelProto model) => OnnxImporter.Import(new MemoryStream(model.ToByteArray()), "test.onnx");

    [Fact]
    public void Import_UnknownOperator_ErrorNamesNodeOpTypeAndOpset()
    {
        var node = new NodeProto { Name = "my_node", OpType = "FancyOp" };
        node.Input.Add("x");
        node.Output.Add("y");

        var error = Assert.Throws<UnsupportedOperatorException>(() => Import(SingleNodeModel(13, node)));

        Assert.Contains("my_node", error.Message);
        Assert.Contains("FancyOp", error.Message);
        Assert.Contains("opset 13", error.Message);
    }

    [Fact]
    public void Import_ClipOpset6BoundsAsAttributes_Applied()
    {
        var node = new NodeProto { Name = "clip", OpType = "Clip" };
        node.Input.Add("x");
        node.Output.Add("y");
        node.Attribute.Add(new AttributeProto { Name = "min", Type = AttributeProto.Types.AttributeType.Float, F = -1f });
        node.Attribute.Add(new AttributeProto { Name = "max", Type = AttributeProto.Types.AttributeType.Float, F = 0.5f });
        var graph = Import(SingleNodeModel(6, node));

        var y = new ReferenceExecutor().Execute(graph, [Tensor.FromFloats([4], [-3f, -0.25f, 0.25f, 2f])])[0];

        Assert.Equal([-1f, -0.25f, 0.25f, 0.5f], y.AsFloat32());
    }

    [Fact]
    public void Import_ConstantNodeValueFloats_BecomesConstantValue()
    {
        var constant = new NodeProto { Name = "k", OpType = "Constant" };
        constant.Output.Add("k_out");
        constant.Attribute.Add(new AttributeProto { Name = "value_floats", Type = AttributeProto.Types.AttributeType.Floats, Floats = { 1f, 2f, 3f, 4f } });
        var add = new NodeProto { Name = "add", OpType = "Add" };
        add.Input.Add("x");
        add.Input.Add("k_out");
        add.Output.Add("y");
        var model = SingleNodeModel(13, constant);
        model.Graph.Node.Add(add);

        var graph = Import(model);

        Assert.Equal("Add", Assert.Single(graph.Nodes).OpType);
        Assert.Equal([1f, 2f, 3f, 4f], graph.Initializers.Single(v => v.Name == "k_out").Constant!.AsFloat32());
        Assert.Equal([4], graph.Outputs[0].Shape!);
    }

    [Fact]
    public void Import_UndefinedInput_ErrorNamesNodeAndValue()
    {
        var node = new NodeProto { Name = "relu", OpType = "Relu" };
        node.Input.Add("nowhere");
        node.Output.Add("y");

        var error = Assert.Throws<GraphException>(() => Import(SingleNodeModel(13, node)));

        Assert.Contains("'relu'", error.Message);
        Assert.Contains("'nowhere'", error.Message);
    }

    [Fact]
    public void Import_IncompatibleShapes_ErrorNamesNode()
    {
        var node = new NodeProto { Name = "bad_add", OpType = "Add" };
        node.Input.Add("x");
        node.Input.Add("z");
        node.Output.Add("y");
        var model = SingleNodeModel(13, node);
        model.Graph.Input.Add(FloatInfo("z", 3));

        var error = Assert.Throws<GraphException>(() => Import(model));

        Assert.Contains("bad_add", error.Message);
        Assert.Contains("cannot be broadcast", error.Message);
    }

    [Fact]
    public void Import_SqueezeOpset11AxesAttribute_And_Opset13AxesInput_Agree()
    {
        var old = new NodeProto { Name = "sq", OpType = "Squeeze" };
        old.Input.Add("x");
        old.Output.Add("y");
        old.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0 } });
        var oldModel = SingleNodeModel(11, old);
        oldModel.Graph.Input[0] = FloatInfo("x", 1, 4);
        var current = new NodeProto { Name = "sq", OpType = "Squeeze" };
        current.Input.Add("x");
        current.Input.Add("axes");
        current.Output.Add("y");
        var newModel = SingleNodeModel(13, current);
        newModel.Graph.Input[0] = FloatInfo("x", 1, 4);
        var axes = new TensorProto { Name = "axes", DataType = 7 };
        axes.Dims.Add(1);
        axes.Int64Data.Add(0);
        newModel.Graph.Initializer.Add(axes);

        Assert.Equal([4], Import(oldModel).Outputs[0].Shape!);
        Assert.Equal([4], Import(newModel).Outputs[0].Shape!);
    }
}
