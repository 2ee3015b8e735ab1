using WasmNN.Compiler.IO;

namespace WasmNN.Packaging.Tests;

/// <summary>The wasmnn .NET tool, installed from the local package folder as `dotnet tool install` does it.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public void ToolPackage_InstalledIntoToolPath_CompilesAndRunsLeNet5LikePyTorch()
    {
        using var sandbox = new PackageSandbox();
        var tools = Path.Combine(sandbox.Directory, "tools");
        var install = sandbox.Dotnet(sandbox.ToolDirectory,
            "tool", "install", "--tool-path", tools, "--add-source", PackageSandbox.FeedDirectory, "wasmnn", "--version", PackageSandbox.Version);
        Assert.True(install.ExitCode == 0, $"tool install failed:\n{install.Stdout}\n{install.Stderr}");
        var wasmnn = Path.Combine(tools, "wasmnn");

        var version = sandbox.Run(wasmnn, sandbox.Directory, "--version");
        Assert.Equal(PackageSandbox.Version, version.Stdout.Trim().Split('+')[0]);

        var models = Path.Combine(RepositoryPaths.Shared, "models");
        var wasm = Path.Combine(sandbox.Directory, "lenet5.wasm");
        var compile = sandbox.Run(wasmnn, sandbox.Directory, "compile", Path.Combine(models, "lenet5.onnx"), "-o", wasm);
        Assert.True(compile.ExitCode == 0, $"compile failed:\n{compile.Stderr}");
        var outputs = Path.Combine(sandbox.Directory, "out");
        var run = sandbox.Run(wasmnn, sandbox.Directory,
            "run", wasm, "--input", "input=" + Path.Combine(models, "lenet5.input.npy"), "--output", outputs);
        Assert.True(run.ExitCode == 0, $"run failed:\n{run.Stderr}");

        var expected = (float[])Npy.Read(Path.Combine(models, "lenet5.output.npy")).Data;
        ReferenceOutputs.AssertClose(expected, (float[])Npy.Read(Path.Combine(outputs, "output.npy")).Data);
    }
}
