using System.Net;
using System.Net.Sockets;
using WasmNN.Compiler;

namespace WasmNN.Cli.Tests;

/// <summary>
/// <c>wasmnn serve</c>'s failures before it serves: bad flags and unreadable files exit 2, a module that is not a
/// compiled model exits 1, each with one line. (Serving itself is tested in WasmNN.Serving.Tests.)
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string AddModel()
    {
        var path = Path.Combine(_dir, "add.wasm");
        ModelCompiler.Compile("/usr/share/libonnx-testdata/data/node/test_add/model.onnx").WriteTo(path);
        return path;
    }

    [Theory]
    [InlineData("--port", "70000", "--port")]
    [InlineData("--port", "-1", "--port")]
    [InlineData("--host", "localhost:80", "--host")]
    [InlineData("--instances", "0", "--instances")]
    [InlineData("--queue", "0", "--queue")]
    [InlineData("--max-batch", "0", "--max-batch")]
    [InlineData("--batch-timeout", "-5", "--batch-timeout")]
    [InlineData("--time-limit", "-1", "--time-limit")]
    [InlineData("--instances", "many", "many")]
    public void Serve_BadFlag_Exit2NamingIt(string flag, string value, string mention)
    {
        CliRunner.AssertCleanError(CliRunner.Run("serve", "m.wasm", flag, value), 2, mention);
    }

    [Fact]
    public void Serve_NoModel_Exit2()
    {
        CliRunner.AssertCleanError(CliRunner.Run("serve"), 2, "wasmnn serve --help");
    }

    [Fact]
    public void Serve_BadModelName_Exit2()
    {
        CliRunner.AssertCleanError(CliRunner.Run("serve", "a/b=x.wasm"), 2, "'a/b=x.wasm'", "NAME");
    }

    [Fact]
    public void Serve_MissingFile_Exit2NamingIt()
    {
        CliRunner.AssertCleanError(CliRunner.Run("serve", Path.Combine(_dir, "none.wasm")), 2, "none.wasm", "no such file");
    }

    [Fact]
    public void Serve_TwoModelsOneName_Exit2()
    {
        var model = AddModel();
        CliRunner.AssertCleanError(CliRunner.Run("serve", $"m={model}", $"m={model}", "--port", "0"), 2, "two models are called 'm'");
    }

    [Fact]
    public void Serve_ModuleWithoutModelMetadata_Exit1()
    {
        var path = Path.Combine(_dir, "plain.wasm");
        File.WriteAllBytes(path, [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]);
        CliRunner.AssertCleanError(CliRunner.Run("serve", path, "--port", "0"), 1, "wasmnn.meta");
    }

    [Fact]
    public void Serve_NotWebAssembly_Exit1()
    {
        var path = Path.Combine(_dir, "text.wasm");
        File.WriteAllText(path, "hello");
        CliRunner.AssertCleanError(CliRunner.Run("serve", path, "--port", "0"), 1, "cannot serve");
    }

    [Fact]
    public void Serve_PortInUse_Exit2()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        CliRunner.AssertCleanError(CliRunner.Run("serve", AddModel(), "--host", "127.0.0.1", "--port", port.ToString()), 2, "cannot serve", port.ToString());
    }
}
