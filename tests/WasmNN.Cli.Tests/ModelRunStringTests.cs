using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;

namespace WasmNN.Cli.Tests;

/// <summary>
/// <c>wasmnn compile</c> and <c>run</c> on a model with string input and output (the ONNX StringNormalizer node test
/// of libonnx-testdata): strings travel as numpy's '&lt;U' .npy, the expected words are the ONNX test data's, a
/// capacity too small or misnamed is one line with its exit code.
/// </summary>
public sealed class ModelRunStringTests : IDisposable
{
    private const string NodeTest = "/usr/share/libonnx-testdata/data/node/test_strnormalizer_export_monday_insensintive_upper_twodim";

    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-strings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Compile(params string[] flags)
    {
        var wasm = Path.Combine(_dir, "strnorm.wasm");
        var compile = CliRunner.Run(["compile", Path.Combine(NodeTest, "model.onnx"), "-o", wasm, .. flags]);
        Assert.True(compile.ExitCode == 0, compile.Stderr);
        return wasm;
    }

    private string Input(params string[] words)
    {
        var path = Path.Combine(_dir, "x.npy");
        Npy.Write(path, Tensor.FromStrings([1, words.Length], words));
        return path;
    }

    [Fact]
    public void Run_StringNpy_WritesTheKeptWordsAsUnicodeNpy()
    {
        var outputs = Path.Combine(_dir, "out");

        var run = CliRunner.Run("run", Compile(), "--input", "x=" + Input("Monday", "tuesday", "wednesday", "Monday", "tuesday", "wednesday"), "--output", outputs);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var y = Npy.Read(Path.Combine(outputs, "y.npy"));
        Assert.Equal([1, 4], y.Shape);
        Assert.Equal(["TUESDAY", "WEDNESDAY", "TUESDAY", "WEDNESDAY"], y.AsStrings());
    }

    [Fact]
    public void Run_WithoutOutput_PrintsTheWords()
    {
        var run = CliRunner.Run("run", Compile(), "--input", "x=" + Input("Monday", "tuesday", "x", "MONDAY", "a", "b"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"TUESDAY\", \"X\", \"A\", \"B\"", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WordsPastTheCapacity_FailsNamingTheInput()
    {
        var run = CliRunner.Run("run", Compile("--string-bytes", "x=12"), "--input", "x=" + Input("Monday", "tuesday", "wednesday", "a", "b", "c"), "--output", Path.Combine(_dir, "out"));

        CliRunner.AssertCleanError(run, 2, "input 'x'", "12 UTF-8 bytes");
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    [Fact]
    public void Serve_StringModel_Exit1NamingTheStringTensor()
    {
        var run = CliRunner.Run("serve", Compile(), "--port", "0");

        CliRunner.AssertCleanError(run, 1, "'x' is a string tensor");
    }

    [Fact]
    public void Compile_StringBytesForAnUnknownInput_IsAUsageError()
    {
        var run = CliRunner.Run("compile", Path.Combine(NodeTest, "model.onnx"), "-o", Path.Combine(_dir, "m.wasm"), "--string-bytes", "text=64");

        CliRunner.AssertCleanError(run, 2, "'text'");
        Assert.False(File.Exists(Path.Combine(_dir, "m.wasm")));
    }

    [Fact]
    public void Compile_MalformedStringBytes_IsAUsageError()
    {
        var run = CliRunner.Run("compile", Path.Combine(NodeTest, "model.onnx"), "-o", Path.Combine(_dir, "m.wasm"), "--string-bytes", "x=-3");

        CliRunner.AssertCleanError(run, 2, "--string-bytes x=-3");
    }
}
