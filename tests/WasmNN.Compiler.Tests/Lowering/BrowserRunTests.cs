using System.Diagnostics;
using System.Numerics.Tensors;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;
using Xunit.Abstractions;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The compiled SIMD module run in headless Chromium (a real browser, not just Node's V8 shell): it must match PyTorch
/// (an independent source) within rtol 1e-4 plus atol 1e-5, and be bit-identical to our own engine on the same bytes.
/// </summary>
public sealed class BrowserRunTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => ["lenet5", "squeezenet1_1"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Compile_SimdModuleInChromium_MatchesPyTorchAndOurEngine(string name)
    {
        var result = ModelCompiler.Compile(TestPaths.Model(name + ".onnx"));
        var input = Npy.Read(TestPaths.Model(name + ".input.npy"));
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy")).AsFloat32();
        using var model = CompiledModel.Load(result.Wasm);
        var ours = model.Run(Tensor.Create(input.AsFloat32(), [.. input.Shape.Select(d => (nint)d)]))[0].ToArray();

        var watch = Stopwatch.StartNew();
        var browser = BrowserRunner.Run(result.Wasm, [input.AsFloat32()], 1)[0];
        output.WriteLine($"{name}: chromium run took {watch.ElapsedMilliseconds} ms");

        ModelEndToEndTests.AssertClose(name + " in chromium", expected, browser);
        // Compare bit patterns, not float equality, so a differing NaN payload or -0 would also be caught.
        Assert.Equal(ours.Select(BitConverter.SingleToInt32Bits), browser.Select(BitConverter.SingleToInt32Bits));
    }
}
