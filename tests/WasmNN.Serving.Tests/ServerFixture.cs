using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WasmNN.Serving.Tests;

/// <summary>A real Kestrel server on a loopback port serving the test models, and an HTTP client for it.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private InferenceServer? _server;

    public InferenceServer Server => _server!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The models served and the pool options; the default serves lenet5, add and gather with two instances each.</summary>
    internal static async Task<(InferenceServer Server, HttpClient Client)> StartAsync(ModelSource[] models, PoolOptions pool)
    {
        var server = await InferenceServer.StartAsync(models, new ServerOptions
        {
            Address = IPAddress.Loopback,
            Port = 0,
            Pool = pool,
            ConsoleLogs = false,
        });
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        // As a readiness probe would: the port opens after each model's first instance, the rest compile after.
        for (var i = 0; i < 1200 && (await client.GetAsync("v2/health/ready")).StatusCode != HttpStatusCode.OK; i++) await Task.Delay(50);
        return (server, client);
    }

    public async Task InitializeAsync() =>
        (_server, Client) = await StartAsync(
            [new("lenet5", TestModels.LeNet), new("add", TestModels.Add), new("gather", TestModels.Gather),
             new("to_fp16", TestModels.ToFloat16), new("from_fp16", TestModels.FromFloat16)],
            new PoolOptions { Instances = 2 });

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>Builds v2 request bodies by hand (not with the server's own encoder) and reads answers.</summary>
internal static class V2
{
    public static JsonObject Tensor(string name, string datatype, int[] shape, JsonArray data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]),
        ["data"] = data,
    };

    public static JsonArray Floats(IEnumerable<float> values) => new([.. values.Select(v => (JsonNode)v)]);

    public static JsonArray Longs(IEnumerable<long> values) => new([.. values.Select(v => (JsonNode)v)]);

    public static JsonObject Request(params JsonObject[] inputs) => new() { ["inputs"] = new JsonArray(inputs) };

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> InferAsync(HttpClient client, string model, JsonObject request) =>
        PostAsync(client, $"v2/models/{model}/infer", request.ToJsonString());

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (bytes.Length == 0) return default;
        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    /// <summary>The first output's data as floats.</summary>
    public static float[] OutputFloats(JsonElement body, int index = 0) =>
        [.. body.GetProperty("outputs")[index].GetProperty("data").EnumerateArray().Select(e => e.GetSingle())];

    /// <summary>Asserts a v2 error answer: the status, and an <c>{"error": "..."}</c> body holding each of <paramref name="mentions"/>.</summary>
    public static void AssertError((HttpStatusCode Status, JsonElement Body) answer, HttpStatusCode status, params string[] mentions)
    {
        Assert.True(answer.Status == status, $"status {answer.Status}, expected {status}: {answer.Body}");
        var message = answer.Body.GetProperty("error").GetString()!;
        foreach (var mention in mentions) Assert.Contains(mention, message);
        Assert.DoesNotContain("\n", message);
    }
}
