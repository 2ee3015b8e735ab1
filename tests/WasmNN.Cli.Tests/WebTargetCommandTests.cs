using System.Text.Json;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IO;
using WasmNN.Kernels;
using WasmNN.Wasm.Reading;

namespace WasmNN.Cli.Tests;

/// <summary>
/// The web target's commands (docs/WEB.md): <c>kernels</c>, <c>compile --variants</c>, <c>compile --js</c> and
/// <c>run</c> on a variants manifest. wabt's <c>wasm-validate</c> is the independent judge of what each module needs.
/// </summary>
public sealed class WebTargetCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-web-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string LeNet5 => Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx");

    private static ProcessOutput WasmValidate(string path, params string[] flags) => ProcessRunner.Run("wasm-validate", [.. flags, path]);

    [Fact]
    public void Kernels_Output_PassesWasmValidateAndCarriesTheCatalogAsItsOperatorTable()
    {
        var path = Path.Combine(_dir, "wasm_ops.wasm");

        var result = CliRunner.Run("kernels", "-o", path);

        Assert.Equal(0, result.ExitCode);
        var validation = WasmValidate(path);
        Assert.True(validation.ExitCode == 0, validation.Stderr);
        var section = ModuleReader.FindCustomSection(File.ReadAllBytes(path), "wasmnn.ops");
        Assert.NotNull(section);
        using var table = JsonDocument.Parse(section.Value);
        var rows = table.RootElement.GetProperty("kernels").EnumerateArray().ToList();
        Assert.Equal(KernelCatalog.All.Select(k => k.Name), rows.Select(r => r.GetProperty("name").GetString()));
        var matmul = rows.Single(r => r.GetProperty("name").GetString() == "matmul_i8_i32");
        Assert.Equal("int8", matmul.GetProperty("input").GetString());
        Assert.Equal("int32", matmul.GetProperty("output").GetString());
        Assert.Equal(["a", "b", "c", "m", "k", "n", "scratch"], matmul.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void Kernels_OutputIsAFolder_UsageErrorAndNothingWritten()
    {
        var result = CliRunner.Run("kernels", "-o", _dir);

        CliRunner.AssertCleanError(result, 2, _dir, "is a directory");
        Assert.Empty(CliRunner.Files(_dir));
    }

    [Fact]
    public void CompileVariants_LeNet5_EachModuleNeedsExactlyTheFeaturesItsManifestEntryLists()
    {
        var wasm = Path.Combine(_dir, "lenet5.wasm");

        var result = CliRunner.Run("compile", LeNet5, "-o", wasm, "--variants");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var manifest = ModelVariants.Parse(File.ReadAllBytes(Path.Combine(_dir, "lenet5.variants.json")));
        Assert.Equal(["relaxed-simd", "simd128", "scalar"], manifest.Variants.Select(v => v.Name));
        Assert.Equal(["lenet5.relaxed.wasm", "lenet5.wasm", "lenet5.scalar.wasm"], manifest.Variants.Select(v => v.File));
        foreach (var variant in manifest.Variants)
        {
            Assert.Equal(new FileInfo(Path.Combine(_dir, variant.File)).Length, variant.Bytes);
        }
        var relaxed = Path.Combine(_dir, "lenet5.relaxed.wasm");
        var scalar = Path.Combine(_dir, "lenet5.scalar.wasm");
        // wabt enables SIMD128 by default and relaxed SIMD only on request.
        Assert.NotEqual(0, WasmValidate(relaxed).ExitCode);
        Assert.Equal(0, WasmValidate(relaxed, "--enable-relaxed-simd").ExitCode);
        Assert.Equal(0, WasmValidate(wasm).ExitCode);
        Assert.NotEqual(0, WasmValidate(wasm, "--disable-simd").ExitCode);
        Assert.Equal(0, WasmValidate(scalar, "--disable-simd").ExitCode);
    }

    [Fact]
    public void RunManifest_OurEngine_PicksRelaxedSimdAndMatchesPyTorch()
    {
        var wasm = Path.Combine(_dir, "lenet5.wasm");
        Assert.Equal(0, CliRunner.Run("compile", LeNet5, "-o", wasm, "--variants").ExitCode);
        var models = Path.Combine(RepositoryPaths.Shared, "models");

        var result = CliRunner.Run("run", Path.Combine(_dir, "lenet5.variants.json"), "--input", Path.Combine(models, "lenet5.input.npy"), "--output", Path.Combine(_dir, "out"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith($"variant: relaxed-simd ({Path.Combine(_dir, "lenet5.relaxed.wasm")})", result.Stdout);
        var expected = (float[])Npy.Read(Path.Combine(models, "lenet5.output.npy")).Data;
        ReferenceOutputs.AssertClose(expected, (float[])Npy.Read(Path.Combine(_dir, "out", "output.npy")).Data);
    }

    [Fact]
    public void RunManifest_VariantFileMissing_UsageErrorNamingIt()
    {
        var manifest = Path.Combine(_dir, "m.variants.json");
        File.WriteAllText(manifest, """{"format":1,"model":"m","variants":[{"name":"scalar","file":"gone.wasm","features":[],"bytes":1}]}""");

        var result = CliRunner.Run("run", manifest);

        CliRunner.AssertCleanError(result, 2, "gone.wasm", "no such file");
    }

    [Fact]
    public void RunManifest_FileOutsideItsFolder_InvalidAndRefused()
    {
        var manifest = Path.Combine(_dir, "m.variants.json");
        File.WriteAllText(manifest, """{"format":1,"model":"m","variants":[{"name":"scalar","file":"../x.wasm","features":[],"bytes":1}]}""");

        var result = CliRunner.Run("run", manifest);

        CliRunner.AssertCleanError(result, 1, manifest, "plain file name");
    }

    [Theory]
    [InlineData("--no-simd")]
    [InlineData("--relaxed-simd")]
    [InlineData("--wasi")]
    public void CompileVariants_WithASingleBuildFlag_UsageErrorAndNothingWritten(string flag)
    {
        var result = CliRunner.Run("compile", LeNet5, "-o", Path.Combine(_dir, "m.wasm"), "--variants", flag);

        CliRunner.AssertCleanError(result, 2, "--variants");
        Assert.Empty(CliRunner.Files(_dir));
    }

    [Fact]
    public void CompileJs_WritesThePackageLoaderBesideTheModule()
    {
        var wasm = Path.Combine(_dir, "site", "lenet5.wasm");

        var result = CliRunner.Run("compile", LeNet5, "-o", wasm, "--js");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var sources = Path.Combine(RepositoryPaths.Root, "js", "src");
        var expected = Directory.GetFiles(sources).Select(Path.GetFileName).Order().ToList();
        Assert.Contains("index.js", expected);
        Assert.Contains("index.d.ts", expected);
        Assert.Equal(expected, Directory.GetFiles(Path.Combine(_dir, "site", "wasmnn")).Select(Path.GetFileName).Order());
        foreach (var name in expected)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(sources, name!)), File.ReadAllBytes(Path.Combine(_dir, "site", "wasmnn", name!)));
        }
    }
}
