using WasmNN.Engine.Tests.Fuzz;
using WasmNN.Wasm.Reading;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Fuzz;

/// <summary>
/// A compiled model (LeNet-5, compiled here) byte-mutated and taken by our engine as an untrusted module: only the
/// engine's own errors and traps may come out, never another exception, a hang or a crash.
/// </summary>
public sealed class CompiledModelMutationFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void MutatedCompiledModel_OnEngine_GivesOnlyFormatErrorsOrTraps()
    {
        var settings = FuzzSettings.FromEnvironment(defaultCases: 200);
        var model = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx")).Wasm;
        var campaign = new MutationCampaign(OnnxMutationFuzzTests.Regressions, "mutated-model-", ".wasm",
            bytes => UntrustedModuleRunner.Run(bytes, TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(60));
        // Half the cases mutate the code section; the rest anywhere (mostly the weights, which only change the numbers).
        var code = CodeRange(model);
        var report = campaign.Execute(settings, [model], (_, random) => random.Next(2) == 0 ? code : null);
        output.WriteLine($"seed {settings.Seed}: {report.Summary}");
        Assert.True(report.Failures.Count == 0, $"seed {settings.Seed}: {report.Failures.Count} failures:\n" + string.Join('\n', report.Failures));
    }

    private static Range CodeRange(byte[] wasm)
    {
        var bodies = ModuleReader.Read(wasm).Codes;
        return bodies[0].BodyOffset..(bodies[^1].CodeOffset + bodies[^1].Code.Length);
    }
}
