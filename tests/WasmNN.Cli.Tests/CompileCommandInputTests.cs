using Google.Protobuf;
using WasmNN.Onnx.Protos;

namespace WasmNN.Cli.Tests;

/// <summary>
/// <c>wasmnn compile</c> with hostile paths and models: a clean line, exit 2 for the command line and 1 for the
/// model, and never an output written over the input or built from a file outside the model's folder.
/// </summary>
public sealed class CompileCommandInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-compile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyLeNet(string name = "m.onnx")
    {
        var path = Path.Combine(_dir, name);
        File.Copy(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx"), path);
        return path;
    }

    /// <summary>y = x + w, with the 4 floats of w in external data at <paramref name="location"/>.</summary>
    private string AddModelWithExternalWeights(string directory, string location, long offset = 0)
    {
        static ValueInfoProto Vector(string name)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 4 });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
        }
        var weights = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        weights.Dims.Add(4);
        weights.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        weights.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        weights.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        var add = new NodeProto { Name = "add", OpType = "Add" };
        add.Input.AddRange(["x", "w"]);
        add.Output.Add("y");
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "add" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.Graph.Initializer.Add(weights);
        model.Graph.Node.Add(add);
        model.Graph.Input.Add(Vector("x"));
        model.Graph.Output.Add(Vector("y"));
        var path = Path.Combine(directory, "add.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void Compile_OutputIsTheModel_RefusedUnderEverySpelling()
    {
        var model = CopyLeNet();
        var original = File.ReadAllBytes(model);
        var sub = Directory.CreateDirectory(Path.Combine(_dir, "sub")).FullName;
        var link = Path.Combine(_dir, "link.onnx");
        File.CreateSymbolicLink(link, model);

        string[] spellings = [model, Path.Combine(sub, "..", "m.onnx"), "./m.onnx", link];
        foreach (var output in spellings)
        {
            var result = CliRunner.RunIn(_dir, "compile", "m.onnx", "-o", output);
            CliRunner.AssertCleanError(result, 2, "refusing to overwrite");
        }
        Assert.Equal(original, File.ReadAllBytes(model));
        Assert.Equal(["link.onnx", "m.onnx", "sub"], CliRunner.Files(_dir));
    }

    [Fact]
    public void Compile_HostilePaths_Exit2AndNothingWritten()
    {
        var model = CopyLeNet();
        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");

        CliRunner.AssertCleanError(CliRunner.Run("compile", model, "-o", ""), 2, "path is empty");
        CliRunner.AssertCleanError(CliRunner.Run("compile", ""), 2, "path is empty");
        CliRunner.AssertCleanError(CliRunner.Run("compile", Path.Combine(_dir, "absent.onnx")), 2, "absent.onnx: no such file");
        CliRunner.AssertCleanError(CliRunner.Run("compile", _dir), 2, "is a directory");
        CliRunner.AssertCleanError(CliRunner.Run("compile", model, "-o", _dir), 2, "is a directory");
        CliRunner.AssertCleanError(CliRunner.Run("compile", model, "-o", Path.Combine(file, "m.wasm")), 2, "cannot write");
        Assert.Equal(["file", "m.onnx"], CliRunner.Files(_dir));
    }

    [Fact]
    public void Compile_ExternalDataInsideModelFolder_Compiles()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "model")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "data.bin"), new byte[16]);
        var model = AddModelWithExternalWeights(folder, "data.bin");

        var result = CliRunner.Run("compile", model);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(Path.Combine(folder, "add.wasm")));
    }

    [Fact]
    public void Compile_ExternalDataSymlinkedOutOfModelFolder_Exit1AndSecretNotCompiledIn()
    {
        var secret = Path.Combine(_dir, "secret");
        File.WriteAllBytes(secret, new byte[16]);
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "model")).FullName;
        File.CreateSymbolicLink(Path.Combine(folder, "data.bin"), secret);
        var model = AddModelWithExternalWeights(folder, "data.bin");

        var result = CliRunner.Run("compile", model);

        CliRunner.AssertCleanError(result, 1, "add.onnx", "tensor 'w'", "'data.bin'", "outside the model's directory");
        Assert.Equal(["add.onnx", "data.bin"], CliRunner.Files(folder));
    }

    [Fact]
    public void Compile_ExternalDataPastEndOfFile_Exit1()
    {
        File.WriteAllBytes(Path.Combine(_dir, "data.bin"), new byte[16]);
        var model = AddModelWithExternalWeights(_dir, "data.bin", offset: 8);

        var result = CliRunner.Run("compile", model);

        CliRunner.AssertCleanError(result, 1, "tensor 'w'", "runs past the end of the file (16 bytes)");
        Assert.False(File.Exists(Path.Combine(_dir, "add.wasm")));
    }
}
