using FsCheck;
using FsCheck.Fluent;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx;

namespace WasmNN.Compiler.Tests.Frontend;

/// <summary>
/// The PyTorch-exported models (../shared/models) with random truncations and byte flips: importing and compiling
/// them fails only with the compiler's clean errors (what <c>wasmnn compile</c> turns into one line), never with
/// another exception type (index out of range, null reference, overflow...).
/// </summary>
public sealed class OnnxDamageTests
{
    /// <summary>True for the exceptions that carry a clean, user-facing message.</summary>
    internal static bool IsCleanCompileError(Exception e) =>
        e is OnnxFormatException or GraphException or UnsupportedOperatorException or OperatorException;

    private static void ExpectOnlyCleanErrors(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (IsCleanCompileError(e))
        {
        }
    }

    [Fact]
    public void Compile_DamagedLeNet5_OnlyCleanCompileErrors()
    {
        var original = File.ReadAllBytes(TestPaths.Model("lenet5.onnx"));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(120), Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            ExpectOnlyCleanErrors(() => ModelCompiler.Compile(new MemoryStream(ByteDamage.Apply(original, seed, maxCount: 3)), new CompileOptions { ModelName = "lenet5" }))));
    }

    [Theory]
    [InlineData("squeezenet1_1.onnx", 60)]
    [InlineData("mobilenet_v2.onnx", 25)]
    public void Import_DamagedLargeModel_OnlyCleanCompileErrors(string name, int cases)
    {
        var original = File.ReadAllBytes(TestPaths.Model(name));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            ExpectOnlyCleanErrors(() => OnnxImporter.Import(new MemoryStream(ByteDamage.Apply(original, seed, maxCount: 3)), name))));
    }
}
