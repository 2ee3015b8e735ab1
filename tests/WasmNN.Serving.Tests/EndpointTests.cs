using System.Net;

namespace WasmNN.Serving.Tests;

/// <summary>The v2 health, server metadata, model metadata and readiness endpoints, and /metrics, over real HTTP.</summary>
public sealed class EndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task HealthLive_RunningServer_Answers200True()
    {
        var (status, body) = await V2.GetAsync(fixture.Client, "v2/health/live");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task HealthReady_EveryInstanceLoaded_Answers200True()
    {
        var (status, body) = await V2.GetAsync(fixture.Client, "v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task ServerMetadata_Always_NamesTheBinaryTensorExtension()
    {
        var (status, body) = await V2.GetAsync(fixture.Client, "v2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("wasmnn", body.GetProperty("name").GetString());
        Assert.Contains("binary_tensor_data", body.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("v2/models/gather")]
    [InlineData("v2/models/gather/versions/1")]
    public async Task ModelMetadata_ServedModel_GivesTheOnnxNamesShapesAndV2Datatypes(string path)
    {
        var (status, body) = await V2.GetAsync(fixture.Client, path);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("gather", body.GetProperty("name").GetString());
        // test_gather_0's model.onnx: data float [5, 4, 3, 2], indices int64 [3] -> y float [3, 4, 3, 2].
        var inputs = body.GetProperty("inputs").EnumerateArray().ToArray();
        Assert.Equal(["data", "indices"], inputs.Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["FP32", "INT64"], inputs.Select(i => i.GetProperty("datatype").GetString()));
        Assert.Equal([5, 4, 3, 2], inputs[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var output = body.GetProperty("outputs")[0];
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal([3, 4, 3, 2], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    [Fact]
    public async Task ModelReady_ServedModel_Answers200True()
    {
        var (status, body) = await V2.GetAsync(fixture.Client, "v2/models/lenet5/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lenet5", body.GetProperty("name").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
    }

    [Theory]
    [InlineData("v2/models/resnet")]
    [InlineData("v2/models/resnet/ready")]
    public async Task ModelEndpoints_UnknownModel_Answer404NamingTheServedOnes(string path)
    {
        V2.AssertError(await V2.GetAsync(fixture.Client, path), HttpStatusCode.NotFound, "unknown model 'resnet'", "add, from_fp16, gather, lenet5, to_fp16");
    }

    [Fact]
    public async Task ModelMetadata_UnknownVersion_Answers404()
    {
        V2.AssertError(await V2.GetAsync(fixture.Client, "v2/models/add/versions/7"), HttpStatusCode.NotFound, "no version '7'");
    }

    [Fact]
    public async Task UnknownPath_Answers404WithAnErrorBody()
    {
        V2.AssertError(await V2.GetAsync(fixture.Client, "v1/models/add"), HttpStatusCode.NotFound, "no endpoint GET /v1/models/add");
    }

    [Fact]
    public async Task Metrics_AfterAnInference_CountsItInThePrometheusTextFormat()
    {
        var request = V2.Request(
            V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(new float[60])),
            V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(new float[60])));
        Assert.Equal(HttpStatusCode.OK, (await V2.InferAsync(fixture.Client, "add", request)).Status);
        using var response = await fixture.Client.GetAsync("metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Contains("# TYPE wasmnn_inference_requests_total counter", lines);
        Assert.Contains("# TYPE wasmnn_inference_duration_seconds histogram", lines);
        var served = lines.Single(l => l.StartsWith("wasmnn_inference_requests_total{model=\"add\",code=\"200\"} ", StringComparison.Ordinal));
        Assert.True(long.Parse(served.Split(' ')[1]) >= 1, served);
        Assert.Contains(lines, l => l.StartsWith("wasmnn_inference_duration_seconds_bucket{model=\"add\",le=\"+Inf\"} ", StringComparison.Ordinal));
        Assert.Contains("wasmnn_queue_depth{model=\"add\"} 0", lines);
        Assert.Contains("wasmnn_instances{model=\"add\"} 2", lines);
        Assert.Contains("wasmnn_traps_total{model=\"add\"} 0", lines);
    }
}
