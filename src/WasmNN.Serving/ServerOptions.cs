using System.Net;

namespace WasmNN.Serving;

/// <summary>A model to serve: the name in its URLs and the compiled module's file.</summary>
/// <param name="Name">The name clients use (<c>/v2/models/{Name}</c>).</param>
/// <param name="Path">The compiled <c>.wasm</c> (a module with <c>wasmnn.meta</c>, not a <c>--wasi</c> build).</param>
public sealed record ModelSource(string Name, string Path);

/// <summary>Where the server listens and how it runs its models.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to listen on (default: every interface, as a container needs).</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;

    /// <summary>TCP port; 0 picks a free one (see <see cref="InferenceServer.BaseAddress"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Instances, queue, batching and time limit of each model.</summary>
    public PoolOptions Pool { get; init; } = new();

    /// <summary>Write structured (JSON) logs to stdout; off in tests that start servers in-process.</summary>
    public bool ConsoleLogs { get; init; } = true;

    /// <summary>How long shutdown waits for accepted requests to be answered.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
