using WasmNN.Wasm;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Validation;
using Xunit.Abstractions;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// Byte-mutated spec-suite modules through decode, validate, compile, instantiate and run: only the engine's own
/// errors and traps may come out, never another exception, a hang or a crash.
/// </summary>
public sealed class ModuleMutationFuzzTests(ITestOutputHelper output)
{
    internal static readonly RegressionFolder Regressions = new(Path.Combine("tests", "WasmNN.Engine.Tests", "Fuzz", "regressions"));

    /// <summary>The spec suite's valid modules (its malformed and invalid ones would mostly mutate into more of the same).</summary>
    private static readonly Lazy<IReadOnlyList<byte[]>> s_specModules = new(() =>
        [.. Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Shared, "wasm-spec"), "*.wasm", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).Where(IsValid)]);

    private static bool IsValid(byte[] bytes)
    {
        try
        {
            ModuleValidator.Validate(ModuleReader.Read(bytes));
            return true;
        }
        catch (WasmFormatException)
        {
            return false;
        }
    }

    [Fact]
    public void MutatedSpecModules_OnEngine_GiveOnlyFormatErrorsOrTraps()
    {
        var settings = FuzzSettings.FromEnvironment(defaultCases: 2000);
        var campaign = new MutationCampaign(Regressions, "mutated-spec-", ".wasm",
            bytes => UntrustedModuleRunner.Run(bytes, TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(30));
        var report = campaign.Execute(settings, s_specModules.Value);
        output.WriteLine($"seed {settings.Seed}: {report.Summary}");
        Assert.True(s_specModules.Value.Count > 500, "the spec modules are missing from ../shared/wasm-spec");
        Assert.True(report.Failures.Count == 0, $"seed {settings.Seed}: {report.Failures.Count} failures:\n" + string.Join('\n', report.Failures));
    }
}
