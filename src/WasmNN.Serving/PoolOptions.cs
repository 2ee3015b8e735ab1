namespace WasmNN.Serving;

/// <summary>How each model's instances take requests.</summary>
public sealed record PoolOptions
{
    /// <summary>Engine instances per model, each on its own thread (default: one per core).</summary>
    public int Instances { get; init; } = Environment.ProcessorCount;

    /// <summary>Requests that may wait for an instance, per model; one more is refused with 429 (never unbounded memory).</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>
    /// Most rows one run of a batchable model gathers from queued requests (dynamic batching); 1 runs each request alone.
    /// Capped at the batch size the model was compiled for.
    /// </summary>
    public int MaxBatch { get; init; } = 1;

    /// <summary>How long a run waits for more requests to fill its batch (with <see cref="MaxBatch"/> &gt; 1).</summary>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Longest a run may take before the engine interrupts it; <see cref="Timeout.InfiniteTimeSpan"/>: no limit.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(30);
}
