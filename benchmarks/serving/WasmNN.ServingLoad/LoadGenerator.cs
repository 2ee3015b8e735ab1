using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace WasmNN.ServingLoad;

/// <summary>What a load run saw.</summary>
/// <param name="Answered">Requests answered 200 with the right outputs.</param>
/// <param name="Wrong">Requests answered 200 with wrong outputs.</param>
/// <param name="HttpErrors">Requests answered with another status.</param>
/// <param name="NotSent">Requests that got no answer at all (refused or reset connection).</param>
/// <param name="Errors">The first few problems, for the report.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="LatenciesMs">Latency of each answered request.</param>
public sealed record LoadResult(int Answered, int Wrong, int HttpErrors, int NotSent, IReadOnlyList<string> Errors, TimeSpan Elapsed, double[] LatenciesMs)
{
    /// <summary>Answered requests per second.</summary>
    public double Throughput => Answered / Elapsed.TotalSeconds;

    /// <summary>The <paramref name="percentile"/> (0..100) latency in milliseconds.</summary>
    public double Percentile(double percentile)
    {
        if (LatenciesMs.Length == 0) return double.NaN;
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Answered} answered and checked, {Wrong} wrong, {HttpErrors} HTTP errors, {NotSent} without answer in {Elapsed.TotalSeconds:0.00} s: " +
        $"{Throughput:0} requests/s, p50 {Percentile(50):0.00} ms, p99 {Percentile(99):0.00} ms";
}

/// <summary>
/// Sends requests from many concurrent connections (one HTTP/1.1 connection per worker), checks every answer, and
/// measures latency. Cancelling the run's token stops sending new requests.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Sends <paramref name="requests"/> requests (case <c>i % cases.Count</c> for request i) over <paramref name="connections"/> connections.</summary>
    public static async Task<LoadResult> RunAsync(Uri server, Func<int, LoadCase> cases, int requests, int connections, CancellationToken stop = default)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        var next = -1;
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        int answered = 0, wrong = 0, httpErrors = 0, notSent = 0;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && !stop.IsCancellationRequested)
            {
                var load = cases(i);
                using var content = new ByteArrayContent(load.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsync($"v2/models/{load.Model}/infer", content).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref httpErrors);
                        Note(errors, $"request {i}: HTTP {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
                    }
                    else if (load.Check(body) is { } problem)
                    {
                        Interlocked.Increment(ref wrong);
                        Note(errors, $"request {i}: {problem}");
                    }
                    else
                    {
                        Interlocked.Increment(ref answered);
                        latencies.Add(elapsed);
                    }
                }
                catch (HttpRequestException e)
                {
                    Interlocked.Increment(ref notSent);
                    Note(errors, $"request {i}: {e.Message}");
                }
            }
        })).ConfigureAwait(false);
        return new LoadResult(answered, wrong, httpErrors, notSent, [.. errors], Stopwatch.GetElapsedTime(start), [.. latencies]);
    }

    private static void Note(ConcurrentQueue<string> errors, string message)
    {
        if (errors.Count < 10) errors.Enqueue(message);
    }
}
