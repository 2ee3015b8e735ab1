using Google.Protobuf;
using WasmNN.Onnx.Protos;

namespace WasmNN.Cli.Tests;

/// <summary><c>wasmnn compile</c> on a model whose operator has no implementation: one line, exit 1, nothing written.</summary>
public sealed class CompileUnsupportedOperatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-unsupported-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Compile_UnknownOperatorInSubfolder_OneLineWithPathOnceAndNodeName()
    {
        // y = Frobnicate(x): an op_type no ONNX opset defines, so no operator resolves it.
        var info = new ValueInfoProto
        {
            Name = "x",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 4 } } } } },
        };
        var graph = new GraphProto { Name = "unknown", Input = { info } };
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = info.Type });
        graph.Node.Add(new NodeProto { OpType = "Frobnicate", Name = "mystery", Input = { "x" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 14 } } };
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        var onnx = Path.Combine(folder, "unknown.onnx");
        File.WriteAllBytes(onnx, model.ToByteArray());
        var wasm = Path.Combine(_dir, "unknown.wasm");

        var result = CliRunner.Run("compile", onnx, "-o", wasm);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"wasmnn: {onnx}: node 'mystery': operator Frobnicate (opset 14) is not implemented", line.Trim());
        Assert.False(File.Exists(wasm));
    }

    [Fact]
    public void Compile_GradientThroughOperatorWithoutDerivative_OneLineNamingTheNodeAndOperator()
    {
        // y = Sin(x); dy_dx = Gradient[xs = [x], y = y](x): Sin has no derivative rule.
        var info = new ValueInfoProto
        {
            Name = "x",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 4 } } } } },
        };
        var graph = new GraphProto { Name = "gradient", Input = { info } };
        graph.Output.Add(new ValueInfoProto { Name = "dy_dx", Type = info.Type });
        graph.Node.Add(new NodeProto { OpType = "Sin", Name = "sine", Input = { "x" }, Output = { "y" } });
        graph.Node.Add(new NodeProto
        {
            OpType = "Gradient", Domain = "ai.onnx.preview.training", Name = "gradient", Input = { "x" }, Output = { "dy_dx" },
            Attribute =
            {
                new AttributeProto { Name = "xs", Type = AttributeProto.Types.AttributeType.Strings, Strings = { ByteString.CopyFromUtf8("x") } },
                new AttributeProto { Name = "y", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("y") },
            },
        });
        var model = new ModelProto
        {
            IrVersion = 8, Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 14 }, new OperatorSetIdProto { Domain = "ai.onnx.preview.training", Version = 1 } },
        };
        var onnx = Path.Combine(_dir, "gradient.onnx");
        File.WriteAllBytes(onnx, model.ToByteArray());
        var wasm = Path.Combine(_dir, "gradient.wasm");

        var result = CliRunner.Run("compile", onnx, "-o", wasm);

        CliRunner.AssertCleanError(result, 1, onnx, "node 'sine' (Sin) lies between the xs and y and has no derivative here");
        Assert.False(File.Exists(wasm));
    }
}
