using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Google.Protobuf;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.Zoo;
using WasmNN.Engine;
using WasmNN.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The threads build (<c>compile --threads N</c>) on our engine: a shared imported memory, workers splitting the
/// heavy kernels, outputs bit-identical to the one-thread build for any worker count and close to PyTorch's.
/// </summary>
public sealed class ThreadedBuildTests
{
    public static TheoryData<string, int> ModelsAndThreads => new()
    {
        { "squeezenet1_1", 2 }, { "squeezenet1_1", 3 }, { "mobilenet_v2", 2 }, { "mobilenet_v2", 4 },
    };

    [Theory]
    [MemberData(nameof(ModelsAndThreads))]
    public void ThreadsBuild_ModelOnWorkers_BitIdenticalToOneThreadBuildAndCloseToPyTorch(string name, int threads)
    {
        var input = Npy.Read(TestPaths.Model(name + ".input.npy")).AsFloat32();
        var expected = Npy.Read(TestPaths.Model(name + ".output.npy")).AsFloat32();
        var single = RunOnce(ModelCompiler.Compile(TestPaths.Model(name + ".onnx")).Wasm, input, threads: 1);

        var threaded = RunOnce(ModelCompiler.Compile(TestPaths.Model(name + ".onnx"), new CompileOptions { Threads = 4 }).Wasm, input, threads);

        ModelEndToEndTests.AssertClose(name, expected, threaded);
        Assert.Equal(single, threaded);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void ThreadsBuild_EveryKernelSplit_BitIdenticalToOneThreadBuild(bool simd, bool relaxedSimd)
    {
        // Threshold 0: every kernel that can split does, so the small layers' shares (empty ones, partial panels) run too.
        var options = new CompileOptions { Simd = simd, RelaxedSimd = relaxedSimd };
        var input = Npy.Read(TestPaths.Model("squeezenet1_1.input.npy")).AsFloat32();
        var single = RunOnce(ModelCompiler.Compile(TestPaths.Model("squeezenet1_1.onnx"), options).Wasm, input, threads: 1);
        var wasm = ModelCompiler.Compile(TestPaths.Model("squeezenet1_1.onnx"), options with { Threads = 8, ParallelThreshold = 0 }).Wasm;

        foreach (var threads in new[] { 1, 3, 8 })
        {
            Assert.Equal(single, RunOnce(wasm, input, threads));
        }
    }

    [Fact]
    public void ThreadsBuild_Module_ImportsSharedMemoryAndDeclaresItsSize()
    {
        var result = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { Threads = 6 });
        var module = ModuleReader.Read(result.Wasm);

        var import = Assert.Single(module.Imports);
        Assert.Equal((ModelAbi.MemoryImportModule, ModelAbi.Memory, ExternalKind.Memory), (import.ModuleName, import.Name, import.Kind));
        Assert.True(import.Memory.Limits.Shared);
        var threads = ModelMetadata.Read(module).Threads;
        Assert.NotNull(threads);
        Assert.Equal(6, threads.MaxWorkers);
        Assert.Equal(import.Memory.Limits.Minimum, threads.MemoryPages);
        Assert.Equal(threads.MemoryPages, import.Memory.Limits.Maximum);
        Assert.Contains(module.Exports, e => e.Name == ModelAbi.RunWorker);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 7)]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    public void RunWorker_WorkerOutsideTheModulesRange_ReturnsBadWorkerStatus(int worker, int workers)
    {
        var wasm = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { Threads = 6 }).Wasm;
        var engine = new Engine.Engine();
        var compiled = engine.Compile(ModuleReader.Read(wasm));
        var metadata = ModelMetadata.Read(ModuleReader.Read(wasm));
        using var memory = new WasmMemory(metadata.Threads!.MemoryPages, metadata.Threads.MemoryPages, shared: true);
        var instance = new Linker(engine).Define(ModelAbi.MemoryImportModule, ModelAbi.Memory, memory).Instantiate(compiled);
        var runWorker = instance.GetFunction(ModelAbi.RunWorker)!.AsDelegate<Func<int, int, int>>();

        Assert.Equal(1, runWorker(worker, workers));
    }

    [Fact]
    public async Task RunWorker_OtherWorkerNeverStarts_FirstWorkerTakesEveryChunkAndTheLateOneClearsTheCounters()
    {
        // Every kernel split (threshold 0), two workers announced, but worker 1 only comes after worker 0 returned:
        // what a descheduled worker on an oversubscribed machine looks like, taken to the extreme.
        var onnx = TestPaths.Model("lenet5.onnx");
        var input = Npy.Read(TestPaths.Model("lenet5.input.npy")).AsFloat32();
        var expected = RunOnce(ModelCompiler.Compile(onnx).Wasm, input, threads: 1);
        var wasm = ModelCompiler.Compile(onnx, new CompileOptions { Threads = 2, ParallelThreshold = 0 }).Wasm;
        var engine = new Engine.Engine();
        var module = ModuleReader.Read(wasm);
        var metadata = ModelMetadata.Read(module);
        using var memory = new WasmMemory(metadata.Threads!.MemoryPages, metadata.Threads.MemoryPages, shared: true);
        var instance = new Linker(engine).Define(ModelAbi.MemoryImportModule, ModelAbi.Memory, memory).Instantiate(engine.Compile(module));
        var runWorker = instance.GetFunction(ModelAbi.RunWorker)!.AsDelegate<Func<int, int, int>>();
        var inputAddress = instance.GetFunction(ModelAbi.InputPointer)!.AsDelegate<Func<int, int>>()(0);
        var outputAddress = instance.GetFunction(ModelAbi.OutputPointer)!.AsDelegate<Func<int, int>>()(0);
        float[] Output() => [.. MemoryMarshal.Cast<byte, float>(memory.GetSpan(outputAddress, metadata.Outputs[0].ByteCount))];
        MemoryMarshal.AsBytes(input.AsSpan()).CopyTo(memory.GetSpan(inputAddress, metadata.Inputs[0].ByteCount));

        // A hang here means worker 0 waits for worker 1 to arrive.
        var status = await Task.Run(() => runWorker(0, 2)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, status);
        Assert.Equal(expected, Output());
        Assert.Equal(0, runWorker(1, 2));
        memory.GetSpan(outputAddress, metadata.Outputs[0].ByteCount).Clear();
        Assert.Equal(0, runWorker(0, 1));
        Assert.Equal(expected, Output());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ThreadsBuild_EfficientNetB0OnWorkers_BitIdenticalToOneThreadBuild(int threads)
    {
        // Squeeze-excite (global pool, small 1x1 convolutions, Sigmoid, a broadcast Mul), SiLU chains and 3 x 3 late
        // layers split by output channels: the kernels the row and elementwise splits cover.
        var onnx = ModelZoo.EfficientNetB0().ToByteArray();
        CompilationResult Compile(CompileOptions? options = null) => ModelCompiler.Compile(new MemoryStream(onnx), options);
        var input = new float[3 * 96 * 96];
        var random = new Random(11);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var single = RunOnce(Compile().Wasm, input, threads: 1);

        var threaded = RunOnce(Compile(new CompileOptions { Threads = 4 }).Wasm, input, threads);

        Assert.Equal(single, threaded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThreadsBuild_EfficientNetB0EveryKernelSplit_BitIdenticalToOneThreadBuild(bool relaxedSimd)
    {
        // Threshold 0: the squeeze-excite 1x1 convolutions on one position split by rows and keep the scalar 4 x 1
        // tile, while the one-thread build computes them four rows to a vector: each lane must give the scalar bits
        // (bias, SiLU and Sigmoid epilogues included), with relaxed SIMD too.
        var onnx = ModelZoo.EfficientNetB0().ToByteArray();
        var options = new CompileOptions { RelaxedSimd = relaxedSimd };
        var input = new float[3 * 96 * 96];
        var random = new Random(12);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var single = RunOnce(ModelCompiler.Compile(new MemoryStream(onnx), options).Wasm, input, threads: 1);

        var threaded = RunOnce(ModelCompiler.Compile(new MemoryStream(onnx), options with { Threads = 4, ParallelThreshold = 0 }).Wasm, input, threads: 3);

        Assert.Equal(single, threaded);
    }

    [Fact]
    public void Compile_ThreadsWithWasi_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { Threads = 2, Wasi = true }));
        Assert.Contains("--wasi", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ThreadsBuild_UsesAtMostTheModulesMaximum()
    {
        var wasm = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { Threads = 3 }).Wasm;

        using var model = CompiledModel.Load(ModuleReader.Read(wasm), new CompiledModelOptions { Threads = 16 });

        Assert.Equal(3, model.Threads);
    }

    [Fact]
    public void Run_BackToBackAndAfterWorkersParked_EveryRunGivesTheOneThreadBuildsOutput()
    {
        // Workers watch for the next run for 1 ms, then park on a semaphore: runs in quick succession start through
        // the first path, runs 20 ms apart through the second, and one input alternating with another catches a run
        // that a worker missed or ran twice.
        var input = Npy.Read(TestPaths.Model("squeezenet1_1.input.npy")).AsFloat32();
        var other = input.Select(v => -v).ToArray();
        var onnx = TestPaths.Model("squeezenet1_1.onnx");
        var expected = RunOnce(ModelCompiler.Compile(onnx).Wasm, input, threads: 1);
        var expectedOther = RunOnce(ModelCompiler.Compile(onnx).Wasm, other, threads: 1);
        using var model = CompiledModel.Load(ModuleReader.Read(ModelCompiler.Compile(onnx, new CompileOptions { Threads = 4 }).Wasm), new CompiledModelOptions { Threads = 3 });

        for (var i = 0; i < 12; i++)
        {
            if (i % 4 == 3)
            {
                Thread.Sleep(20);
            }
            (i % 2 == 0 ? input : other).CopyTo(model.InputBuffer(0));
            model.Run();
            Assert.Equal(i % 2 == 0 ? expected : expectedOther, model.OutputBuffer(0).ToArray());
        }
    }

    internal static float[] RunOnce(byte[] wasm, float[] input, int threads)
    {
        using var model = CompiledModel.Load(ModuleReader.Read(wasm), new CompiledModelOptions { Threads = threads });
        input.CopyTo(model.InputBuffer(0));
        model.Run();
        return model.OutputBuffer(0).ToArray();
    }
}
