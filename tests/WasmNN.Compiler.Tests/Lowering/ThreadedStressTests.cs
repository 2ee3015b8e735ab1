using WasmNN.Compiler.IO;
using WasmNN.Runtime;
using WasmNN.Wasm.Reading;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// No races: a small model split as finely as it can be (every splittable kernel parallel) runs 1,000 times on 2 to
/// 8 workers (more than this machine's cores), each run on a fresh input, and every output must equal the one-thread
/// build's output for that input bit for bit.
/// </summary>
public sealed class ThreadedStressTests
{
    private const int Runs = 1000;

    [Fact]
    public void ThreadsBuild_ThousandRunsOnTwoToEightWorkers_EveryOutputEqualsOneThreadBuild()
    {
        var onnx = TestPaths.Model("lenet5.onnx");
        var baseInput = Npy.Read(TestPaths.Model("lenet5.input.npy")).AsFloat32();
        using var single = CompiledModel.Load(ModuleReader.Read(ModelCompiler.Compile(onnx).Wasm), new CompiledModelOptions());
        var threadedWasm = ModelCompiler.Compile(onnx, new CompileOptions { Threads = 8, ParallelThreshold = 0 }).Wasm;
        var models = Enumerable.Range(2, 7).Select(t => CompiledModel.Load(ModuleReader.Read(threadedWasm), new CompiledModelOptions { Threads = t })).ToArray();
        try
        {
            var random = new Random(11);
            var input = new float[baseInput.Length];
            for (var run = 0; run < Runs; run++)
            {
                for (var i = 0; i < input.Length; i++)
                {
                    input[i] = baseInput[i] + (float)(random.NextDouble() - 0.5);
                }
                input.CopyTo(single.InputBuffer(0));
                single.Run();
                var model = models[run % models.Length];
                input.CopyTo(model.InputBuffer(0));
                model.Run();
                Assert.True(single.OutputBuffer(0).SequenceEqual(model.OutputBuffer(0)), $"run {run} on {model.Threads} workers differs from the one-thread build");
            }
        }
        finally
        {
            foreach (var model in models)
            {
                model.Dispose();
            }
        }
    }
}
