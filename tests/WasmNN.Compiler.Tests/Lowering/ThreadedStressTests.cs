using System.Diagnostics;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;
using WasmNN.Wasm.Reading;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// No races: a small model split as finely as it can be (every splittable kernel parallel) runs 1,000 times on 2 to
/// 8 workers (more than this machine's cores), each run on a fresh input, and every output must equal the one-thread
/// build's output for that input bit for bit. A lost run start would block <see cref="CompiledModel.Run()"/> for
/// ever: each test runs under a deadline and fails naming the run instead.
/// </summary>
public sealed class ThreadedStressTests
{
    private const int Runs = 1000;

    /// <summary>Far beyond what the runs take on a loaded machine (seconds): past it a run start or a worker was lost.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public void ThreadsBuild_ThousandRunsOnTwoToEightWorkers_EveryOutputEqualsOneThreadBuild()
    {
        var (single, models, baseInput) = Load();
        var random = new Random(11);
        var input = new float[baseInput.Length];
        var progress = "no run yet";
        WithDeadline(() => progress, () =>
        {
            for (var run = 0; run < Runs; run++)
            {
                var model = models[run % models.Length];
                progress = $"run {run} on {model.Threads} workers";
                RunAndCompare(single, model, baseInput, input, random, progress);
            }
        });
        Dispose(single, models);
    }

    /// <summary>
    /// The run start (docs/ABI.md "Starting a run"): a worker that finished a run watches for the next one for about
    /// 1 ms before it parks, so runs come back to back, around that window and after it, on 2 to 8 workers. A
    /// worker that ran a run through the watch and parked again before the caller looked at it must not be released
    /// for that run a second time (it would run it twice and count its end twice), nor be left parked.
    /// </summary>
    [Fact]
    public void ThreadsBuild_RunsBackToBackAndAroundTheWatchWindow_EveryRunStartsEveryWorkerOnce()
    {
        var (single, models, baseInput) = Load();
        var random = new Random(5);
        var input = new float[baseInput.Length];
        var progress = "no run yet";
        WithDeadline(() => progress, () =>
        {
            for (var run = 0; run < 3 * Runs; run++)
            {
                var model = models[run / 50 % models.Length];
                var gap = (run % 3) switch { 0 => 0.0, 1 => 0.5 + random.NextDouble(), _ => 1.5 + random.NextDouble() };
                progress = $"run {run} on {model.Threads} workers after a {gap:F2} ms gap";
                var until = Stopwatch.GetTimestamp() + (long)(gap / 1000 * Stopwatch.Frequency);
                while (Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(10);
                }
                RunAndCompare(single, model, baseInput, input, random, progress);
            }
        });
        Dispose(single, models);
    }

    private static (CompiledModel Single, CompiledModel[] Models, float[] Input) Load()
    {
        var onnx = TestPaths.Model("lenet5.onnx");
        var baseInput = Npy.Read(TestPaths.Model("lenet5.input.npy")).AsFloat32();
        var single = CompiledModel.Load(ModuleReader.Read(ModelCompiler.Compile(onnx).Wasm), new CompiledModelOptions());
        var threadedWasm = ModelCompiler.Compile(onnx, new CompileOptions { Threads = 8, ParallelThreshold = 0 }).Wasm;
        var models = Enumerable.Range(2, 7).Select(t => CompiledModel.Load(ModuleReader.Read(threadedWasm), new CompiledModelOptions { Threads = t })).ToArray();
        return (single, models, baseInput);
    }

    private static void RunAndCompare(CompiledModel single, CompiledModel model, float[] baseInput, float[] input, Random random, string what)
    {
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = baseInput[i] + (float)(random.NextDouble() - 0.5);
        }
        input.CopyTo(single.InputBuffer(0));
        single.Run();
        input.CopyTo(model.InputBuffer(0));
        model.Run();
        Assert.True(single.OutputBuffer(0).SequenceEqual(model.OutputBuffer(0)), $"{what} differs from the one-thread build");
    }

    /// <summary>Runs <paramref name="body"/> on a thread of its own and fails naming <paramref name="progress"/> if it has not ended by <see cref="Deadline"/> (the blocked thread is left behind).</summary>
    private static void WithDeadline(Func<string> progress, Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "threads stress" };
        thread.Start();
        Assert.True(thread.Join(Deadline), $"{progress()}: no result within {Deadline.TotalSeconds:F0} s (a lost run start?)");
        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException($"{progress()}: {failure.Message}");
        }
    }

    private static void Dispose(CompiledModel single, CompiledModel[] models)
    {
        single.Dispose();
        foreach (var model in models)
        {
            model.Dispose();
        }
    }
}
