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
}
