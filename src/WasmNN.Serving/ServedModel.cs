using Microsoft.Extensions.Logging;
using WasmNN.Compiler.Abi;
using WasmNN.Runtime;
using WasmNN.Wasm.Reading;

namespace WasmNN.Serving;

/// <summary>A model being served: its signature, its instance pool and its metrics.</summary>
public sealed class ServedModel : IDisposable
{
    private ServedModel(ModelSignature signature, InstancePool pool, ModelMetrics metrics)
    {
        Signature = signature;
        Pool = pool;
        Metrics = metrics;
    }

    /// <summary>Name, inputs, outputs.</summary>
    public ModelSignature Signature { get; }

    /// <summary>The instances and their queue.</summary>
    public InstancePool Pool { get; }

    /// <summary>Counters for <c>/metrics</c>.</summary>
    public ModelMetrics Metrics { get; }

    /// <summary>Reads, checks and compiles <paramref name="source"/> and starts its instances.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="Wasm.WasmFormatException">Not a valid WebAssembly module.</exception>
    /// <exception cref="FormatException">Not a compiled model (no or invalid metadata, imports: a --wasi build), or one with string tensors.</exception>
    public static ServedModel Load(ModelSource source, PoolOptions options, ILogger log)
    {
        var module = ModuleReader.Read(File.ReadAllBytes(source.Path));
        var metadata = ModelMetadata.Read(module);
        if (metadata.Inputs.Concat(metadata.Outputs).FirstOrDefault(t => t.IsString) is { } text)
        {
            // The v2 protocol's BYTES would carry them; until it is read and written, say so at start-up.
            throw new FormatException($"{source.Path}: '{text.Name}' is a string tensor, and serving does not take string tensors (the v2 protocol's BYTES) yet");
        }
        var signature = new ModelSignature(source.Name, metadata);
        var metrics = new ModelMetrics();
        // A --weights external build: every instance loads the weights file beside the module.
        var load = new CompiledModelOptions
        {
            WeightsPath = metadata.Weights is { } weights ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source.Path)) ?? ".", weights.File) : null,
        };
        return new ServedModel(signature, new InstancePool(signature, module, options, metrics, log, load), metrics);
    }

    /// <inheritdoc/>
    public void Dispose() => Pool.Dispose();
}
