using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WasmNN.Serving.Tests;

/// <summary>
/// The pool behind a model, driven through HTTP with <c>rows.wasm</c> (each of up to 4 rows doubled; a row of 1
/// traps, a row of 2 loops until interrupted): traps and time limits fail only their request and the instance is
/// replaced, a full queue answers 429, and dynamic batching runs several requests at once with each getting its rows.
/// </summary>
public sealed class InstancePoolTests
{
    private static JsonObject Rows(params float[] rows) =>
        V2.Request(V2.Tensor("x", "FP32", [rows.Length, 1], V2.Floats(rows)));

    private static Task<(InferenceServer Server, HttpClient Client)> StartAsync(PoolOptions pool) =>
        ServerFixture.StartAsync([new("rows", TestModels.Rows)], pool);

    [Fact]
    public async Task Infer_RunTraps_Answers500AndTheReplacedInstanceAnswersTheNext()
    {
        var (server, client) = await StartAsync(new PoolOptions { Instances = 1 });
        await using var _ = server;
        using var __ = client;
        V2.AssertError(await V2.InferAsync(client, "rows", Rows(3, 1)), HttpStatusCode.InternalServerError, "model 'rows' trapped", "unreachable");
        var (status, body) = await V2.InferAsync(client, "rows", Rows(3, 4, 5));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([6f, 8f, 10f], V2.OutputFloats(body));
        Assert.Equal([3, 1], body.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(1, server.Models["rows"].Metrics.Traps);
    }

    [Fact]
    public async Task Infer_RunPastTheTimeLimit_IsInterruptedWith503AndTheNextRequestRuns()
    {
        var (server, client) = await StartAsync(new PoolOptions { Instances = 1, TimeLimit = TimeSpan.FromMilliseconds(300) });
        await using var _ = server;
        using var __ = client;
        V2.AssertError(await V2.InferAsync(client, "rows", Rows(2)), HttpStatusCode.ServiceUnavailable, "time limit of 300 ms");
        var (status, body) = await V2.InferAsync(client, "rows", Rows(7));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([14f], V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_QueueFull_Answers429AndQueuedRequestsStillRun()
    {
        var (server, client) = await StartAsync(new PoolOptions { Instances = 1, QueueCapacity = 1, TimeLimit = TimeSpan.FromSeconds(5) });
        await using var _ = server;
        using var __ = client;
        var metrics = server.Models["rows"].Metrics;
        var busy = V2.InferAsync(client, "rows", Rows(2)); // holds the only instance until the time limit
        await WaitUntil(() => metrics.Accepted == 1 && metrics.QueueDepth() == 0);
        var queued = V2.InferAsync(client, "rows", Rows(5));
        await WaitUntil(() => metrics.QueueDepth() == 1);
        V2.AssertError(await V2.InferAsync(client, "rows", Rows(6)), (HttpStatusCode)429, "1 requests queued");
        V2.AssertError(await busy, HttpStatusCode.ServiceUnavailable, "time limit");
        var (status, body) = await queued;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([10f], V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_DynamicBatching_GathersRequestsIntoFewerRunsAndSplitsTheRows()
    {
        var (server, client) = await StartAsync(new PoolOptions { Instances = 1, MaxBatch = 4, BatchTimeout = TimeSpan.FromSeconds(1) });
        await using var _ = server;
        using var __ = client;
        var metrics = server.Models["rows"].Metrics;
        var values = new[] { new float[] { 10 }, [20, 21], [30], [40], [50, 51, 52], [60] };
        var answers = await Task.WhenAll(values.Select(v => V2.InferAsync(client, "rows", Rows(v))));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].Status);
            Assert.Equal(values[i].Select(v => v * 2), V2.OutputFloats(answers[i].Body));
        }
        Assert.True(metrics.Runs < values.Length, $"{metrics.Runs} runs for {values.Length} requests: nothing was batched");
    }

    [Fact]
    public async Task ModelMetadata_BatchableModel_ShowsItsFirstDimensionAsVariable()
    {
        var (server, client) = await StartAsync(new PoolOptions { Instances = 1 });
        await using var _ = server;
        using var __ = client;
        var (_, body) = await V2.GetAsync(client, "v2/models/rows");
        Assert.Equal([-1, 1], body.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        V2.AssertError(await V2.InferAsync(client, "rows", Rows(1, 2, 3, 4, 5)), HttpStatusCode.BadRequest, "[1..4, 1]", "[5, 1]");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the server did not reach the expected state in 5 s");
    }
}
