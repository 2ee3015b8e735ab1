using System.Numerics.Tensors;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;
using WasmNN.Wasm.Reading;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The phase profile of the threads build (<c>compile --threads N --phase-profile</c>, benchmarks only): every chunk is
/// counted once by the worker that computed it, times are spent inside each worker's run, and the instrumentation does
/// not change a bit of the output.
/// </summary>
public sealed class PhaseProfileTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PhaseProfile_ModelOnWorkers_CountsEveryChunkOnceAndKeepsTheOutputBits(int threads)
    {
        // Threshold 0 splits every kernel that can, so the profile has many small phases and serial segments.
        var options = new CompileOptions { Threads = 4, ParallelThreshold = 0 };
        var input = Npy.Read(TestPaths.Model("squeezenet1_1.input.npy")).AsFloat32();
        var plain = ThreadedBuildTests.RunOnce(ModelCompiler.Compile(TestPaths.Model("squeezenet1_1.onnx"), options).Wasm, input, threads);
        using var model = CompiledModel.Load(ModuleReader.Read(ModelCompiler.Compile(TestPaths.Model("squeezenet1_1.onnx"), options with { PhaseProfile = true }).Wasm),
            new CompiledModelOptions { Threads = threads });
        var profile = model.Metadata.Threads!.Profile!;
        input.CopyTo(model.InputBuffer(0));

        model.Run();
        var area = model.TakePhaseProfile()!;

        Assert.Equal(plain, model.OutputBuffer(0).ToArray());
        Assert.Contains(profile.Sites, s => s.Serial);
        Assert.Contains(profile.Sites, s => !s.Serial);
        var maxWorkers = profile.Bytes / (profile.HeaderBytes + (profile.Sites.Count * profile.RecordBytes));
        Assert.Equal(4, maxWorkers);
        var (header, record) = (profile.HeaderBytes / 8, profile.RecordBytes / 8);
        for (var site = 0; site < profile.Sites.Count; site++)
        {
            var records = Enumerable.Range(0, threads).Select(w => area.AsSpan((maxWorkers * header) + (((site * maxWorkers) + w) * record), record).ToArray()).ToArray();
            // Fields: work, spin, sleep, late (ms), chunks, entries, hand-off (ms).
            Assert.Equal(profile.Sites[site].Chunks * profile.Sites[site].Repeat, records.Sum(r => r[4]));
            Assert.All(records, r => Assert.Equal(profile.Sites[site].Repeat, r[5]));
            Assert.All(records, r => Assert.True(r[0] >= 0 && r[1] >= 0 && r[2] >= 0 && r[6] >= 0, $"site {profile.Sites[site].Node}: negative time"));
        }
        for (var w = 0; w < threads; w++)
        {
            var (entry, exit) = (area[w * header], area[(w * header) + 1]);
            Assert.True(exit > entry && entry > 0, $"worker {w}: entry {entry} ms, exit {exit} ms");
            var inside = Enumerable.Range(0, profile.Sites.Count).Sum(s => area[(maxWorkers * header) + (((s * maxWorkers) + w) * record)]);
            Assert.True(inside <= exit - entry, $"worker {w}: {inside} ms of work in a run of {exit - entry} ms");
        }
        Assert.All(model.TakePhaseProfile()!, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Compile_PhaseProfileWithoutThreads_IsRejected() =>
        Assert.Throws<ArgumentException>(() => ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { PhaseProfile = true }));

    [Fact]
    public void TakePhaseProfile_PlainThreadsBuild_IsNull()
    {
        using var model = CompiledModel.Load(ModuleReader.Read(ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"), new CompileOptions { Threads = 2 }).Wasm));

        Assert.Null(model.TakePhaseProfile());
        Assert.Null(model.Metadata.Threads!.Profile);
    }
}
