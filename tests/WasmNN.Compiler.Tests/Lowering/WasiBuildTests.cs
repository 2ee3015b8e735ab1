using System.Text;
using WasmNN.Compiler.IO;
using WasmNN.Wasi;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>The --wasi build run as a plain WASI command by Node's node:wasi and by our WASI host, with real .npy files.</summary>
public sealed class WasiBuildTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("wasmnn-wasi-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathIn(string name) => Path.Combine(_folder.FullName, name);

    private void Prepare()
    {
        var result = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { Wasi = true });
        File.WriteAllBytes(PathIn("lenet5.wasm"), result.Wasm);
        File.Copy(TestPaths.Model("lenet5.input.npy"), PathIn("input.npy"));
        File.Copy(TestPaths.Model("squeezenet1_1.input.npy"), PathIn("wrong.npy"));
    }

    [Fact]
    public void WasiBuild_OnNodeWasi_WritesPyTorchOutputAsNpy()
    {
        Prepare();

        var (exitCode, stderr) = RunNode("lenet5.wasm", "input.npy", "output.npy");

        Assert.True(exitCode == 0, stderr);
        var expected = Npy.Read(TestPaths.Model("lenet5.output.npy"));
        var actual = Npy.Read(PathIn("output.npy"));
        Assert.Equal(expected.Shape, actual.Shape);
        ModelEndToEndTests.AssertClose("lenet5 --wasi on node", expected.AsFloat32(), actual.AsFloat32());
    }

    [Fact]
    public void WasiBuild_OnOurWasiHost_MatchesNode()
    {
        Prepare();
        Assert.Equal(0, RunNode("lenet5.wasm", "input.npy", "node.npy").ExitCode);

        var result = RunOurs("input.npy", "ours.npy");

        Assert.True(result.ExitCode == 0, result.Message);
        Assert.Equal(File.ReadAllBytes(PathIn("node.npy")), File.ReadAllBytes(PathIn("ours.npy")));
    }

    [Fact]
    public void WasiBuild_InputOfWrongShape_ExitsOneNamingInputAndWritesNothing()
    {
        Prepare();
        var stderr = new MemoryStream();

        var result = RunOurs("wrong.npy", "output.npy", stderr);

        Assert.Equal(1, result.ExitCode);
        var message = Encoding.UTF8.GetString(stderr.ToArray());
        Assert.Contains("input 'input' must have shape (1, 1, 28, 28)", message);
        Assert.Contains("wrong.npy", message);
        Assert.False(File.Exists(PathIn("output.npy")));
    }

    [Fact]
    public void WasiBuild_WrongArgumentCount_PrintsUsage()
    {
        Prepare();
        var stderr = new MemoryStream();

        var result = RunOurs("input.npy", null, stderr);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("usage: lenet5.wasm input.npy output.npy", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    private WasiRunResult RunOurs(string input, string? output, Stream? stderr = null) =>
        WasiRunner.Run(File.ReadAllBytes(PathIn("lenet5.wasm")), new WasiOptions
        {
            Arguments = output is null ? ["lenet5.wasm", input] : ["lenet5.wasm", input, output],
            Preopens = [new Preopen(_folder.FullName, ".")],
            Stderr = new WasiStream(stderr ?? Stream.Null),
        });

    private (int ExitCode, string Stderr) RunNode(params string[] arguments)
    {
        var result = ProcessRunner.Run("node", ["--no-warnings", Path.Combine(AppContext.BaseDirectory, "Lowering", "run-wasi.mjs"), .. arguments],
            workingDirectory: _folder.FullName);
        return (result.ExitCode, result.Stderr);
    }
}
