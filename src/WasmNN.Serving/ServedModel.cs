using Microsoft.Extensions.Logging;
using WasmNN.Compiler.Abi;
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
    /// <exception cref="FormatException">Not a compiled model (no or invalid metadata, imports: a --wasi build).</exception>
    public static ServedModel Load(ModelSource source, PoolOptions options, ILogger log)
    {
        var module = ModuleReader.Read(File.ReadAllBytes(source.Path));
        var signature = new ModelSignature(source.Name, ModelMetadata.Read(module));
        var metrics = new ModelMetrics();
        return new ServedModel(signature, new InstancePool(signature, module, options, metrics, log), metrics);
    }

    /// <inheritdoc/>
    public void Dispose() => Pool.Dispose();
}
