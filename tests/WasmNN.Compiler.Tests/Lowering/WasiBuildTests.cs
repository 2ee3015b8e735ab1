using System.Collections.Concurrent;
using System.Text;
using WasmNN.Compiler.IO;
using WasmNN.Wasi;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The --wasi build run as a plain WASI command, with real .npy files, on the two reference hosts (Node's node:wasi,
/// wasmtime) and on our WASI host: outputs against PyTorch's, failures as one line with no output file left behind.
/// </summary>
public sealed class WasiBuildTests : IDisposable
{
    /// <summary>The hosts a --wasi build runs on.</summary>
    public enum Host
    {
        Node,
        Wasmtime,
        WasmNN,
    }

    private static readonly ConcurrentDictionary<string, byte[]> s_builds = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("wasmnn-wasi-");

    public void Dispose() => _folder.Delete(recursive: true);

    public static TheoryData<string, Host> ModelsOnHosts()
    {
        var data = new TheoryData<string, Host>();
        foreach (var model in new[] { "lenet5", "squeezenet1_1", "mobilenet_v2" })
        {
            foreach (var host in Enum.GetValues<Host>()) data.Add(model, host);
        }
        return data;
    }

    public static TheoryData<Host> Hosts() => [.. Enum.GetValues<Host>()];

    private string PathIn(string name) => Path.Combine(_folder.FullName, name);

    /// <summary>Writes the model's --wasi build (compiled once per test run) and its PyTorch input into the folder.</summary>
    private string Prepare(string model = "lenet5")
    {
        var wasm = s_builds.GetOrAdd(model, m => ModelCompiler.Compile(TestPaths.Model(m + ".onnx"), new CompileOptions { Wasi = true }).Wasm);
        File.WriteAllBytes(PathIn(model + ".wasm"), wasm);
        File.Copy(TestPaths.Model(model + ".input.npy"), PathIn("input.npy"));
        return model + ".wasm";
    }

    [Theory]
    [MemberData(nameof(ModelsOnHosts))]
    public void WasiBuild_SharedModel_WritesPyTorchOutputAsNpy(string model, Host host)
    {
        var wasm = Prepare(model);

        var result = Run(host, wasm, "input.npy", "output.npy");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal("", result.Stderr);
        var expected = Npy.Read(TestPaths.Model(model + ".output.npy"));
        var actual = Npy.Read(PathIn("output.npy"));
        Assert.Equal(expected.Shape, actual.Shape);
        ModelEndToEndTests.AssertClose($"{model} --wasi on {host}", expected.AsFloat32(), actual.AsFloat32());
        AssertFolderHolds("input.npy", model + ".wasm", "output.npy");
    }

    [Fact]
    public void WasiBuild_OnOurWasiHost_SameBytesAsReferences()
    {
        var wasm = Prepare();
        Assert.Equal(0, Run(Host.Node, wasm, "input.npy", "node.npy").ExitCode);
        Assert.Equal(0, Run(Host.Wasmtime, wasm, "input.npy", "wasmtime.npy").ExitCode);

        Assert.Equal(0, Run(Host.WasmNN, wasm, "input.npy", "ours.npy").ExitCode);

        Assert.Equal(File.ReadAllBytes(PathIn("node.npy")), File.ReadAllBytes(PathIn("ours.npy")));
        Assert.Equal(File.ReadAllBytes(PathIn("wasmtime.npy")), File.ReadAllBytes(PathIn("ours.npy")));
    }

    [Fact]
    public void WasiBuild_HostTransferringFewBytesPerCall_SameOutputAndWholeErrorLine()
    {
        // WASI allows short reads and writes; the command must loop until every byte has moved.
        var wasm = Prepare();
        Assert.Equal(0, Run(Host.Node, wasm, "input.npy", "node.npy").ExitCode);

        var written = RunOnOurHost(7, wasm, "input.npy", "ours.npy");
        var failed = RunOnOurHost(3, wasm, "missing.npy", "failed.npy");

        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.Equal(File.ReadAllBytes(PathIn("node.npy")), File.ReadAllBytes(PathIn("ours.npy")));
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("wasmnn: cannot open input 'input': missing.npy: ENOENT\n", failed.Stderr);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void WasiBuild_InputOfWrongShape_ExitsOneNamingInputAndKeepsOldOutput(Host host)
    {
        var wasm = Prepare();
        File.Copy(TestPaths.Model("squeezenet1_1.input.npy"), PathIn("wrong.npy"));
        File.WriteAllText(PathIn("output.npy"), "previous result");

        var result = Run(host, wasm, "wrong.npy", "output.npy");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("wasmnn: input 'input' must have shape (1, 1, 28, 28): wrong.npy\n", result.Stderr);
        Assert.Equal("previous result", File.ReadAllText(PathIn("output.npy")));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void WasiBuild_MissingInput_ExitsOneWithErrnoNameAndWritesNothing(Host host)
    {
        var wasm = Prepare();

        var result = Run(host, wasm, "missing.npy", "output.npy");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("wasmnn: cannot open input 'input': missing.npy: ENOENT\n", result.Stderr);
        AssertFolderHolds("input.npy", wasm);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void WasiBuild_OutputPathIsADirectory_ExitsOneAndRemovesTemporary(Host host)
    {
        // The output is complete in its temporary, then the rename over a directory fails: the temporary must go.
        var wasm = Prepare();
        Directory.CreateDirectory(PathIn("taken"));
        File.WriteAllText(PathIn("taken/keep.txt"), "kept");

        var result = Run(host, wasm, "input.npy", "taken");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("wasmnn: cannot replace output 'output': taken: E", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        AssertFolderHolds("input.npy", wasm, "taken");
        Assert.Equal("kept", File.ReadAllText(PathIn("taken/keep.txt")));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void WasiBuild_OutputInMissingDirectory_ExitsOneWithErrnoName(Host host)
    {
        var wasm = Prepare();

        var result = Run(host, wasm, "input.npy", "nowhere/output.npy");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("wasmnn: cannot create output 'output': nowhere/output.npy: ENOENT\n", result.Stderr);
        AssertFolderHolds("input.npy", wasm);
    }

    [Fact]
    public void WasiBuild_WrongArgumentCount_PrintsUsage()
    {
        var wasm = Prepare();

        var result = Run(Host.WasmNN, wasm, "input.npy");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("usage: lenet5.wasm input.npy output.npy", result.Stderr);
    }

    private void AssertFolderHolds(params string[] names) =>
        Assert.Equal(names.Order(StringComparer.Ordinal), _folder.EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal));

    /// <summary>Runs <c>wasm args...</c> on <paramref name="host"/> with the test folder preopened as ".".</summary>
    private ProcessOutput Run(Host host, string wasm, params string[] arguments) => RunIn(_folder.FullName, host, wasm, arguments);

    /// <summary>Runs <paramref name="wasm"/> (a file in <paramref name="folder"/>, which is preopened as <c>.</c>) on a host.</summary>
    internal static ProcessOutput RunIn(string folder, Host host, string wasm, params string[] arguments)
    {
        switch (host)
        {
            case Host.Node:
                return ProcessRunner.Run("node", ["--no-warnings", Path.Combine(AppContext.BaseDirectory, "Lowering", "run-wasi.mjs"), wasm, .. arguments],
                    workingDirectory: folder);
            case Host.Wasmtime:
                var wasmtime = WasmtimeRunner.Run(Path.Combine(folder, wasm), new WasmtimeRun
                {
                    Arguments = [wasm, .. arguments],
                    Preopens = new Dictionary<string, string> { ["."] = folder },
                });
                Assert.True(wasmtime.Trap is null, $"wasmtime trapped: {wasmtime.Trap}");
                return wasmtime.Output;
            default:
                return RunOnOurHost(folder, null, wasm, arguments);
        }
    }

    private ProcessOutput RunOnOurHost(int? maxTransferBytes, string wasm, params string[] arguments) => RunOnOurHost(_folder.FullName, maxTransferBytes, wasm, arguments);

    private static ProcessOutput RunOnOurHost(string folder, int? maxTransferBytes, string wasm, params string[] arguments)
    {
        using var stderr = new MemoryStream();
        var result = WasiRunner.Run(File.ReadAllBytes(Path.Combine(folder, wasm)), new WasiOptions
        {
            Arguments = [wasm, .. arguments],
            Preopens = [new Preopen(folder, ".")],
            Stderr = new WasiStream(stderr),
            MaxTransferBytes = maxTransferBytes,
        });
        Assert.True(result.Outcome == WasiRunOutcome.Exited, $"{result.Outcome}: {result.Message}");
        return new ProcessOutput(result.ExitCode, "", Encoding.UTF8.GetString(stderr.ToArray()));
    }
}
