using Google.Protobuf;
using WasmNN.Compiler.Abi;
using WasmNN.Onnx.Protos;
using WasmNN.Wasm.Reading;

namespace WasmNN.Cli.Tests;

/// <summary><c>wasmnn compile --shape NAME=D0,... --dim SYMBOL=N</c> on a model with dynamic input dimensions.</summary>
public sealed class CompileShapeFlagsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-shapes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>y = Relu(x), x: [batch, 4, ?] as torch.onnx.export writes dynamic axes (one named, one not).</summary>
    private string DynamicModel()
    {
        static ValueInfoProto Info(string name, params TensorShapeProto.Types.Dimension[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.AddRange(dims);
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
        }
        var graph = new GraphProto { Name = "dynamic" };
        graph.Input.Add(Info("x", new() { DimParam = "batch" }, new() { DimValue = 4 }, new()));
        graph.Output.Add(Info("y", new() { DimParam = "batch" }, new() { DimValue = 4 }, new()));
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "relu", Input = { "x" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var path = Path.Combine(_dir, "dynamic.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void Compile_DynamicInputWithoutFlags_UsageErrorNamingDimensionsAndFlags()
    {
        var wasm = Path.Combine(_dir, "never.wasm");

        var result = CliRunner.Run("compile", DynamicModel(), "-o", wasm);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("input 'x' has dynamic dimensions (?x4x?; dim 0 'batch'; dim 2 unnamed): fix them with --shape x=1,4,N (or --dim batch=N)", line);
        Assert.False(File.Exists(wasm));
    }

    [Fact]
    public void Compile_ShapeFlag_ModuleBuiltForThatShapeAndMetadataRecordsReplacedSymbols()
    {
        var wasm = Path.Combine(_dir, "fixed.wasm");

        var result = CliRunner.Run("compile", DynamicModel(), "-o", wasm, "--shape", "x=2,4,5");

        Assert.Equal(0, result.ExitCode);
        var metadata = ModelMetadata.Read(ModuleReader.Read(File.ReadAllBytes(wasm)));
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal([2, 4, 5], input.Shape);
        Assert.Equal("batch,,?", string.Join(",", input.DimParams!));
        Assert.Equal([2, 4, 5], Assert.Single(metadata.Outputs).Shape);
    }

    [Theory]
    [InlineData("--shape", "x=2,4", "input 'x' has rank 3 (?x4x?), not 2")]
    [InlineData("--shape", "x=2,3,5", "dimension 1 of input 'x' is fixed at 4 by the model")]
    [InlineData("--shape", "z=2,4,5", "the model has no input 'z'")]
    [InlineData("--shape", "x=2,-4,5", "--shape x=2,-4,5: dimension 1 ('-4') is not a positive integer")]
    [InlineData("--shape", "x", "--shape x: expected NAME=D0,D1,...")]
    [InlineData("--dim", "seq=3", "no input has a dimension named 'seq' (named dimensions: batch)")]
    [InlineData("--dim", "batch=zero", "--dim batch=zero: 'zero' is not a positive integer")]
    public void Compile_FlagThatDoesNotFit_OneLineUsageErrorAndNoOutput(string flag, string value, string expected)
    {
        var wasm = Path.Combine(_dir, "never.wasm");

        var result = CliRunner.Run("compile", DynamicModel(), "-o", wasm, flag, value);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.False(File.Exists(wasm));
    }

    [Fact]
    public void Compile_DimFlagsOnly_CompilesWhenEveryDimensionIsNamedOrGiven()
    {
        // dim 2 has no name, so --dim alone cannot fix it: the error says so; --shape for it then works.
        var model = DynamicModel();
        var partial = CliRunner.Run("compile", model, "-o", Path.Combine(_dir, "partial.wasm"), "--dim", "batch=1");
        Assert.Equal(2, partial.ExitCode);
        Assert.Contains("(1x4x?; dim 2 unnamed)", partial.Stderr);

        var full = CliRunner.Run("compile", model, "-o", Path.Combine(_dir, "full.wasm"), "--dim", "batch=1", "--shape", "x=1,4,9");
        Assert.Equal(0, full.ExitCode);
    }
}
