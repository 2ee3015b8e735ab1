using WasmNN.Engine;

namespace WasmNN.Runtime;

/// <summary>How <see cref="CompiledModel"/> loads and runs a module.</summary>
public sealed record CompiledModelOptions
{
    /// <summary>Engine options (limits, diagnostics); null for the defaults.</summary>
    public EngineOptions? Engine { get; init; }

    /// <summary>
    /// Workers for a threads build (<c>wasmnn compile --threads N</c>): the calling thread plus Threads - 1 threads
    /// of the model's own, each with its own instance over the one shared memory. Null means the machine's cores;
    /// either way at most the module's maximum. A one-thread build always runs on the calling thread alone.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// For a build with external weights (<c>wasmnn compile --weights external</c>): the weights file. Null means
    /// the file the metadata names beside the module, when it was loaded from a path.
    /// </summary>
    public string? WeightsPath { get; init; }

    /// <summary>
    /// Map the external weights file's payload copy-on-write into linear memory where the engine can (64-bit Linux
    /// and macOS; <see cref="WasmMemory.TryMapFile"/>), instead of reading it: no copy up front, and the pages are the
    /// page cache's, shared by every process and instance mapping the file, until the model writes to one. While
    /// mapped the file must not be changed in place (truncating it makes the process fault with SIGBUS); set false
    /// when it may be, e.g. on a network share. Default true.
    /// </summary>
    public bool MapWeights { get; init; } = true;
}
