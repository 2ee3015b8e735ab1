using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WasmNN.Benchmarks;

/// <summary>A set of kernels run on one engine, giving one result per kernel.</summary>
internal interface IKernelEngine
{
    /// <summary>Column heading, e.g. "Node 20 (V8 11.3)".</summary>
    string Label { get; }

    /// <summary>Runs every kernel of <paramref name="spec"/> it can; <paramref name="runs"/> timed calls each.</summary>
    IReadOnlyList<KernelResult> Run(BenchmarkSpec spec, string wasmDirectory, int runs);
}

/// <summary>The measuring rule every in-process harness shares with run.mjs.</summary>
internal static class Harness
{
    public static void Fill(Span<byte> memory, int offset, int bytes)
    {
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(memory.Slice(offset, bytes));
        for (int i = 0; i < floats.Length; i++) floats[i] = BenchmarkSpec.FillValue(i);
    }

    public static double Checksum(ReadOnlySpan<byte> memory, OutputSpec? output, float result)
    {
        double sum = result;
        if (output is null) return sum;
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(memory.Slice(output.Offset, output.Floats * 4));
        foreach (float f in floats) sum += f;
        return sum;
    }

    /// <summary>
    /// Two warm-up calls of a tenth of the repetitions, then the best of <paramref name="runs"/> full calls, timed in
    /// CPU time of this thread: on a shared, loaded machine the time the thread is descheduled is not the kernel's.
    /// </summary>
    public static KernelResult Measure(KernelSpec kernel, int runs, Action<int> call, double checksum)
    {
        for (int i = 0; i < 2; i++) call(Math.Max(1, kernel.Reps / 10));
        double best = double.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            double start = CpuSeconds();
            call(kernel.Reps);
            best = Math.Min(best, CpuSeconds() - start);
        }
        return new KernelResult(kernel.Name, kernel.FlopsPerRep * (double)kernel.Reps / best / 1e9, checksum);
    }

    /// <summary>This thread's CPU time (Linux), else wall time.</summary>
    private static double CpuSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeClock, out var time) == 0) return time.Seconds + time.Nanoseconds * 1e-9;
        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    private const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
