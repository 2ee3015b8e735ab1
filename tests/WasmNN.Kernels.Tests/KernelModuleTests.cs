using WasmNN.Engine;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Validation;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Tests;

public sealed class KernelModuleTests
{
    [Fact]
    public void Generate_Module_PassesOurValidator()
    {
        var module = ModuleReader.Read(KernelLibrary.Generate());
        ModuleValidator.Validate(module);
        Assert.Empty(module.Imports);
    }

    [Fact]
    public void Generate_Module_PassesWabtValidator()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wasmnn_ops-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(path, KernelLibrary.Generate());
        try
        {
            var (exitCode, _, errors) = Run("wasm-validate", path);
            Assert.True(exitCode == 0, $"wasm-validate rejected the module: {errors}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Generate_TwoCalls_SameBytes()
    {
        Assert.Equal(KernelLibrary.Generate(), KernelLibrary.Generate());
    }

    [Fact]
    public void Generate_Exports_EveryCatalogKernelWithItsArityAndTheMemory()
    {
        var module = ModuleReader.Read(KernelLibrary.Generate());
        foreach (var kernel in KernelCatalog.All)
        {
            var export = Assert.Single(module.Exports, e => e.Name == kernel.Name);
            Assert.Equal(ExternalKind.Function, export.Kind);
            var type = module.Types[(int)module.Functions[(int)export.Index]];
            Assert.Equal(kernel.Parameters.Length, type.Parameters.Length);
            Assert.All(type.Parameters, p => Assert.Equal(ValueType.I32, p));
            Assert.Empty(type.Results);
        }
        Assert.Contains(module.Exports, e => e.Name == "memory" && e.Kind == ExternalKind.Memory);
        Assert.Equal(KernelCatalog.All.Length + 1, module.Exports.Count);
    }

    [Fact]
    public void Catalog_Names_AreUniqueAndCoverEveryOperatorAndType()
    {
        Assert.Equal(KernelCatalog.All.Length, KernelCatalog.All.Select(k => k.Name).Distinct().Count());
        foreach (var type in Enum.GetValues<ElementType>())
        {
            foreach (var op in Enum.GetValues<BinaryOperation>()) KernelCatalog.Get(KernelCatalog.BinaryName(op, type));
        }
        foreach (var op in Enum.GetValues<UnaryOperation>()) KernelCatalog.Get(KernelCatalog.UnaryName(op, ElementType.Float32));
    }

    [Fact]
    public void Generate_EveryFunction_StaysFarBelowTheJitLimits()
    {
        var module = ModuleReader.Read(KernelLibrary.Generate());
        Assert.All(module.Codes, code => Assert.True(code.Code.Length < 8 * 1024, $"a kernel body of {code.Code.Length} bytes"));
        var warnings = new List<string>();
        using var library = KernelLibrary.Load(new EngineOptions { Diagnostics = warnings.Add });
        Assert.Empty(warnings);
    }

    [Fact]
    public void KernelsDoc_Table_ListsEveryKernel()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "KERNELS.md"));
        Assert.All(KernelCatalog.All, kernel => Assert.Contains($"`{kernel.Name}`", doc));
    }

    internal static (int ExitCode, string Output, string Errors) Run(string tool, params string[] arguments)
    {
        var result = ProcessRunner.Run(tool, arguments);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
