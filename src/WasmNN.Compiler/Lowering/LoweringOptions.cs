namespace WasmNN.Compiler.Lowering;

/// <summary>Code-generation choices for the lowering.</summary>
/// <param name="Simd">Emit SIMD128 (f32x4) inner loops; false gives scalar code for hosts without SIMD.</param>
/// <param name="RelaxedSimd">
/// Also use relaxed SIMD (<c>f32x4.relaxed_madd</c> in the GEMM micro-kernel): faster where the host fuses it, but
/// the module then needs a host with relaxed SIMD and its results may differ in the last bits between hosts.
/// </param>
/// <param name="MaxWorkers">
/// 0 for the default build (own memory, one thread); N &gt; 0 for the threads build: a shared imported memory and
/// <c>wasmnn_run_worker</c> for up to N workers that split the heavy kernels (docs/ABI.md).
/// </param>
internal sealed record LoweringOptions(bool Simd = true, bool RelaxedSimd = false, int MaxWorkers = 0)
{
    /// <summary>
    /// Work (about multiply-adds) below which a kernel runs on worker 0 alone in the threads build: a phase's hand-off
    /// costs a few microseconds while both workers spin, about what 2^17 multiply-adds take on one core. (At 2^19 the
    /// serial segments left were 15% of EfficientNet-B0's 2-worker run.) Tests lower it to split every kernel that can.
    /// </summary>
    public const long DefaultParallelThreshold = 1 << 17;

    /// <summary>See <see cref="DefaultParallelThreshold"/>.</summary>
    public long ParallelThreshold { get; init; } = DefaultParallelThreshold;

    /// <summary>
    /// The file name of external weights (<c>--weights external</c>, <see cref="ExternalWeights"/>), or null to embed
    /// them as data segments.
    /// </summary>
    public string? WeightsFile { get; init; }

    /// <summary>The UTF-8 capacity in bytes of string inputs, by name (<see cref="CompileOptions.StringBytes"/>).</summary>
    public IReadOnlyDictionary<string, int> StringInputBytes { get; init; } = new Dictionary<string, int>();

    /// <summary>Threads build: record per-phase times (<see cref="Lowering.PhaseProfile"/>; benchmark builds only).</summary>
    public bool PhaseProfile { get; init; }

    /// <summary>Lanes of the main loops: 4 with SIMD, else 1.</summary>
    public int Width => Simd ? 4 : 1;

    /// <summary>Whether this is the threads build.</summary>
    public bool Threaded => MaxWorkers > 0;

    /// <summary>Copies of per-worker scratch a kernel must reserve (1 in the default build).</summary>
    public int ScratchCopies => Math.Max(1, MaxWorkers);
}
