using System.Reflection;

namespace WasmNN.Compiler.Abi;

/// <summary>The names a compiled-model module exports and carries (docs/ABI.md).</summary>
public static class ModelAbi
{
    /// <summary>The exported linear memory.</summary>
    public const string Memory = "memory";

    /// <summary><c>(i32 index) -> i32</c>: byte offset of input <c>index</c>, or -1.</summary>
    public const string InputPointer = "wasmnn_input_ptr";

    /// <summary><c>(i32 index) -> i32</c>: byte offset of output <c>index</c>, or -1.</summary>
    public const string OutputPointer = "wasmnn_output_ptr";

    /// <summary>
    /// <c>(i32 index) -> i32</c>: byte offset of output <c>index</c>'s actual dimensions (one i32 per axis, written by
    /// each run), or -1.
    /// </summary>
    public const string OutputDims = "wasmnn_output_dims";

    /// <summary><c>() -> i32</c>: runs the graph; 0 on success.</summary>
    public const string Run = "wasmnn_run";

    /// <summary>
    /// Threads build: <c>(i32 worker, i32 workers) -> i32</c>, called by every worker at once to run the graph
    /// together; 0 on success, 1 for a worker index or count outside the module's range.
    /// </summary>
    public const string RunWorker = "wasmnn_run_worker";

    /// <summary>Threads build: the module of the imported shared memory (<c>env.memory</c>, as wasi-threads hosts provide it).</summary>
    public const string MemoryImportModule = "env";

    /// <summary>Threads build: the i32 at this address is 0 before the weights are copied in, 1 while an instance copies them, 2 after.</summary>
    public const int InitFlagAddress = 0;

    /// <summary>Threads build: the i32 counting workers that finished the current run (the last one clears the phase counters).</summary>
    public const int ExitCountAddress = 4;

    /// <summary>
    /// Threads build: <c>() -> ()</c> clears the workers' phase counters for a new run. The last worker of a run calls
    /// it; a host calls it after a run it aborted (a trap), once every worker has stopped.
    /// </summary>
    public const string ResetWorkers = "wasmnn_reset_workers";

    /// <summary>
    /// Build with external weights: <c>() -> i32</c>, checks the weights a host copied into memory against the
    /// checksum compiled into the module; 0 when they match (from then on <c>wasmnn_run</c> runs), 1 otherwise.
    /// </summary>
    public const string WeightsCheck = "wasmnn_weights_check";

    /// <summary>Build with external weights: what <c>wasmnn_run</c> returns before <see cref="WeightsCheck"/> has succeeded.</summary>
    public const int WeightsNotLoaded = 2;

    /// <summary>The custom section holding <see cref="ModelMetadata"/> as UTF-8 JSON.</summary>
    public const string MetadataSection = "wasmnn.meta";

    /// <summary>The WASI build's entry point.</summary>
    public const string Start = "_start";

    /// <summary>
    /// The compiler's name and version written into the metadata: the one version in Directory.Build.props (the
    /// packages' version), without the commit SourceLink appends, so a module's bytes do not change with each commit.
    /// </summary>
    public static string CompilerVersion { get; } = "wasmnn " + typeof(ModelAbi).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
