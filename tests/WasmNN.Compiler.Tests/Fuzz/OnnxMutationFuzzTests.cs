using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;
using WasmNN.Onnx;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Fuzz;

/// <summary>
/// Byte-mutated ONNX models through the whole compile (protobuf import, shape inference, passes, lowering, encoding):
/// only the compiler's clean errors may come out (the ones `wasmnn compile` reports in one line), never another
/// exception, a hang or a crash.
/// </summary>
public sealed class OnnxMutationFuzzTests(ITestOutputHelper output)
{
    internal static readonly RegressionFolder Regressions = new(Path.Combine("tests", "WasmNN.Compiler.Tests", "Fuzz", "regressions"));

    [Fact]
    public void MutatedOnnxModels_Compile_GiveOnlyCleanErrors()
    {
        var settings = FuzzSettings.FromEnvironment(defaultCases: 300);
        // LeNet-5 compiles in milliseconds; the larger models only in scripts/fuzz.sh runs, where time allows.
        string[] models = settings.Cases > 300 ? ["lenet5.onnx", "squeezenet1_1.onnx"] : ["lenet5.onnx"];
        var seeds = models.Select(m => File.ReadAllBytes(TestPaths.Model(m))).ToList();
        var campaign = new MutationCampaign(Regressions, "mutated-onnx-", ".onnx", Compile, TimeSpan.FromSeconds(60));
        var report = campaign.Execute(settings, seeds);
        output.WriteLine($"seed {settings.Seed}: {report.Summary}");
        Assert.True(report.Failures.Count == 0, $"seed {settings.Seed}: {report.Failures.Count} failures:\n" + string.Join('\n', report.Failures));
    }

    private static string Compile(byte[] onnx)
    {
        try
        {
            using var stream = new MemoryStream(onnx);
            ModelCompiler.Compile(stream);
            return "compiled";
        }
        // InputShapeException: a mutation that made a dimension dynamic; `wasmnn compile` reports it as a usage error.
        catch (Exception e) when (e is OnnxFormatException or GraphException or UnsupportedOperatorException or OperatorException or InputShapeException)
        {
            return e.GetType().Name;
        }
    }
}
