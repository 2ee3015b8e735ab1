using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace WasmNN.Serving;

/// <summary>
/// Counters of one served model, updated lock-free by request handlers and pool workers, rendered in the
/// Prometheus text exposition format (version 0.0.4) by <see cref="ServingMetrics"/>.
/// </summary>
public sealed class ModelMetrics
{
    /// <summary>Upper bounds (seconds) of the latency histogram's buckets.</summary>
    internal static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<int, long[]> _requestsByStatus = new();
    private readonly long[] _bucketCounts = new long[LatencyBuckets.Length + 1];
    private long _latencyTicks;
    private long _traps;
    private long _timeouts;
    private long _accepted;
    private long _answered;
    private long _runs;

    /// <summary>Requests taken into the queue.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Requests whose answer (success or error) was produced after they were accepted.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Runs of the model (fewer than requests when dynamic batching gathers several into one).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Runs that trapped (the instance was replaced), time-limit interrupts included.</summary>
    public long Traps => Interlocked.Read(ref _traps);

    internal Func<int> QueueDepth { get; set; } = () => 0;

    internal Func<int> LiveInstances { get; set; } = () => 0;

    internal void RecordAccepted() => Interlocked.Increment(ref _accepted);

    internal void RecordAnswered() => Interlocked.Increment(ref _answered);

    internal void RecordRun() => Interlocked.Increment(ref _runs);

    internal void RecordTrap(bool timeLimit)
    {
        Interlocked.Increment(ref _traps);
        if (timeLimit) Interlocked.Increment(ref _timeouts);
    }

    /// <summary>Counts an answered inference request with its HTTP status and, for a success, its latency.</summary>
    internal void RecordRequest(int status, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _requestsByStatus.GetOrAdd(status, _ => new long[1])[0]);
        if (status != 200) return;
        var seconds = elapsed.TotalSeconds;
        var bucket = Array.FindIndex(LatencyBuckets, b => seconds <= b);
        Interlocked.Increment(ref _bucketCounts[bucket < 0 ? LatencyBuckets.Length : bucket]);
        Interlocked.Add(ref _latencyTicks, elapsed.Ticks);
    }

    internal void RenderRequests(StringBuilder text, string model)
    {
        var label = $"model=\"{Escape(model)}\"";
        foreach (var (status, count) in _requestsByStatus.OrderBy(p => p.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"wasmnn_inference_requests_total{{{label},code=\"{status}\"}} {Interlocked.Read(ref count[0])}\n");
        }
    }

    internal void RenderLatency(StringBuilder text, string model)
    {
        var label = $"model=\"{Escape(model)}\"";
        long cumulative = 0;
        for (var i = 0; i < LatencyBuckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _bucketCounts[i]);
            text.Append(CultureInfo.InvariantCulture, $"wasmnn_inference_duration_seconds_bucket{{{label},le=\"{LatencyBuckets[i]}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _bucketCounts[^1]);
        text.Append(CultureInfo.InvariantCulture, $"wasmnn_inference_duration_seconds_bucket{{{label},le=\"+Inf\"}} {cumulative}\n");
        text.Append(CultureInfo.InvariantCulture, $"wasmnn_inference_duration_seconds_sum{{{label}}} {TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks)).TotalSeconds}\n");
        text.Append(CultureInfo.InvariantCulture, $"wasmnn_inference_duration_seconds_count{{{label}}} {cumulative}\n");
    }

    internal void RenderGauges(StringBuilder text, string model, string metric)
    {
        var label = $"model=\"{Escape(model)}\"";
        var value = metric switch
        {
            "wasmnn_queue_depth" => QueueDepth(),
            "wasmnn_instances" => LiveInstances(),
            "wasmnn_traps_total" => Traps,
            "wasmnn_runs_total" => Runs,
            _ => Interlocked.Read(ref _timeouts),
        };
        text.Append(CultureInfo.InvariantCulture, $"{metric}{{{label}}} {value}\n");
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>The <c>/metrics</c> page: every model's counters in the Prometheus text format.</summary>
public static class ServingMetrics
{
    /// <summary>The content type Prometheus scrapes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly (string Name, string Type, string Help)[] s_gauges =
    [
        ("wasmnn_queue_depth", "gauge", "Requests waiting for an instance."),
        ("wasmnn_instances", "gauge", "Engine instances serving the model."),
        ("wasmnn_runs_total", "counter", "Model runs; with dynamic batching one run answers several requests."),
        ("wasmnn_traps_total", "counter", "Runs that trapped; each replaced its instance."),
        ("wasmnn_time_limit_exceeded_total", "counter", "Runs interrupted at the per-request time limit."),
    ];

    /// <summary>Renders the metrics of <paramref name="models"/> (name to counters).</summary>
    public static string Render(IEnumerable<KeyValuePair<string, ModelMetrics>> models)
    {
        var list = models.ToList();
        var text = new StringBuilder();
        text.Append("# HELP wasmnn_inference_requests_total Inference requests answered, by HTTP status.\n# TYPE wasmnn_inference_requests_total counter\n");
        foreach (var (name, metrics) in list) metrics.RenderRequests(text, name);
        text.Append("# HELP wasmnn_inference_duration_seconds Time from receiving a request to its answer, successful requests.\n# TYPE wasmnn_inference_duration_seconds histogram\n");
        foreach (var (name, metrics) in list) metrics.RenderLatency(text, name);
        foreach (var (metric, type, help) in s_gauges)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {metric} {help}\n# TYPE {metric} {type}\n");
            foreach (var (name, metrics) in list) metrics.RenderGauges(text, name, metric);
        }
        return text.ToString();
    }
}
