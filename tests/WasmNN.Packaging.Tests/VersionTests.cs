using System.Text.Json;

namespace WasmNN.Packaging.Tests;

/// <summary>Every distribution of WasmNN carries the one version of Directory.Build.props.</summary>
public sealed class VersionTests
{
    [Fact]
    public void NpmPackage_Version_IsTheNuGetVersion()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "js", "package.json")));

        Assert.Equal(PackageSandbox.Version, package.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public void LocalFolder_EveryPackage_HasTheOneVersion()
    {
        var packages = Directory.GetFiles(PackageSandbox.FeedDirectory, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(
            new[] { "wasmnn", "WasmNN.CodeGen", "WasmNN.Compiler", "WasmNN.Engine", "WasmNN.Kernels", "WasmNN.Onnx", "WasmNN.Runtime", "WasmNN.Wasi", "WasmNN.Wasm" }
                .Select(id => $"{id}.{PackageSandbox.Version}.nupkg").Order(StringComparer.Ordinal),
            packages);
    }
}
