using WasmNN.Compiler.IO;

namespace WasmNN.Cli.Tests;

/// <summary>
/// <c>wasmnn run</c> on a model with an int64 input and float32, int64 and bool outputs (the torch-exported token
/// lookup of the compiler tests): each .npy is read and written in its own dtype, checked against PyTorch's outputs.
/// </summary>
public sealed class ModelRunDtypeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-dtypes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Data(string file) =>
        Path.Combine(RepositoryPaths.Root, "tests", "WasmNN.Compiler.Tests", "Lowering", "TestData", file);

    private string CompileTokenLookup()
    {
        var wasm = Path.Combine(_dir, "token_lookup.wasm");
        var compile = CliRunner.Run("compile", Data("token_lookup.onnx"), "-o", wasm);
        Assert.True(compile.ExitCode == 0, compile.Stderr);
        return wasm;
    }

    [Fact]
    public void Run_Int64Input_WritesEachOutputInItsDtypeMatchingPyTorch()
    {
        var outputs = Path.Combine(_dir, "out");

        var run = CliRunner.Run("run", CompileTokenLookup(), "--input", "ids=" + Data("token_lookup.ids.npy"), "--output", outputs);

        Assert.True(run.ExitCode == 0, run.Stderr);
        ReferenceOutputs.AssertClose((float[])Npy.Read(Data("token_lookup.scores.npy")).Data, (float[])Npy.Read(Path.Combine(outputs, "scores.npy")).Data);
        Assert.Equal((long[])Npy.Read(Data("token_lookup.codes.npy")).Data, (long[])Npy.Read(Path.Combine(outputs, "codes.npy")).Data);
        Assert.Equal((bool[])Npy.Read(Data("token_lookup.flags.npy")).Data, (bool[])Npy.Read(Path.Combine(outputs, "flags.npy")).Data);
    }

    [Fact]
    public void Run_Float32FileForInt64Input_FailsNamingInputAndDtypes()
    {
        var floats = Path.Combine(_dir, "ids.npy");
        Npy.Write(floats, Compiler.IR.Tensor.FromFloats([2, 5], new float[10]));

        var run = CliRunner.Run("run", CompileTokenLookup(), "--input", "ids=" + floats, "--output", Path.Combine(_dir, "out"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("input 'ids' expects int64 [2, 5]", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("holds float32 [2, 5]", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }
}
