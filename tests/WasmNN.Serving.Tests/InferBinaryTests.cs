using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WasmNN.Serving.Tests;

/// <summary>
/// The binary tensor data extension: the JSON header's length in <c>Inference-Header-Content-Length</c>, then each
/// binary input's raw little-endian bytes in order (<c>binary_data_size</c>); outputs asked as binary come back the same way.
/// </summary>
public sealed class InferBinaryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Infer_BinaryInputAndOutput_LeNet5MatchesPyTorch()
    {
        var input = MemoryMarshal.AsBytes(TestModels.LeNetInput().AsSpan()).ToArray();
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(Binary("input", "FP32", [1, 1, 28, 28], input.Length)),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };
        using var response = await PostBinaryAsync("lenet5", header, input);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await SplitAsync(response);
        var output = json.GetProperty("outputs")[0];
        Assert.Equal(40, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(output.TryGetProperty("data", out _));
        var actual = MemoryMarshal.Cast<byte, float>(binary).ToArray();
        var expected = TestModels.LeNetOutput();
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"element {i}: {actual[i]} vs PyTorch {expected[i]}");
    }

    [Fact]
    public async Task Infer_BinaryInt64AndJsonFloatInputs_GatherAnswersInJson()
    {
        var data = TestModels.NodeTestTensor("test_gather_0", "input_0.pb");
        var indices = TestModels.NodeTestTensor("test_gather_0", "input_1.pb");
        var indexBytes = MemoryMarshal.AsBytes(indices.AsInt64().AsSpan()).ToArray();
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                V2.Tensor("data", "FP32", data.Shape, V2.Floats(data.AsFloat32())),
                Binary("indices", "INT64", indices.Shape, indexBytes.Length)),
        };
        using var response = await PostBinaryAsync("gather", header, indexBytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(InferenceServer.HeaderLengthHeader));
        var body = await V2.ReadJsonAsync(response);
        Assert.Equal(TestModels.NodeTestTensor("test_gather_0", "output_0.pb").AsFloat32(), V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_OneOutputAskedAsBinary_OnlyItIsBinary()
    {
        var x = TestModels.NodeTestTensor("test_add", "input_0.pb").AsFloat32();
        var y = TestModels.NodeTestTensor("test_add", "input_1.pb").AsFloat32();
        var header = V2.Request(V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(x)), V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(y)));
        header["outputs"] = new JsonArray(new JsonObject { ["name"] = "sum", ["parameters"] = new JsonObject { ["binary_data"] = true } });
        using var response = await PostBinaryAsync("add", header, []);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, binary) = await SplitAsync(response);
        Assert.Equal(TestModels.NodeTestTensor("test_add", "output_0.pb").AsFloat32(), MemoryMarshal.Cast<byte, float>(binary).ToArray());
    }

    [Fact]
    public async Task Infer_BinaryDataSizeNotTheTensorsBytes_Answers400()
    {
        var header = new JsonObject { ["inputs"] = new JsonArray(Binary("input", "FP32", [1, 1, 28, 28], 100)) };
        using var response = await PostBinaryAsync("lenet5", header, new byte[100]);
        V2.AssertError((response.StatusCode, await V2.ReadJsonAsync(response)), HttpStatusCode.BadRequest, "input 'input'", "binary_data_size is 100", "3136 bytes");
    }

    [Fact]
    public async Task Infer_BinaryDataShorterThanDeclared_Answers400()
    {
        var header = new JsonObject { ["inputs"] = new JsonArray(Binary("input", "FP32", [1, 1, 28, 28], 3136)) };
        using var response = await PostBinaryAsync("lenet5", header, new byte[3000]);
        V2.AssertError((response.StatusCode, await V2.ReadJsonAsync(response)), HttpStatusCode.BadRequest, "only 3000 bytes");
    }

    [Fact]
    public async Task Infer_BinaryBytesNoInputClaims_Answers400()
    {
        var header = new JsonObject { ["inputs"] = new JsonArray(Binary("input", "FP32", [1, 1, 28, 28], 3136)) };
        using var response = await PostBinaryAsync("lenet5", header, new byte[3140]);
        V2.AssertError((response.StatusCode, await V2.ReadJsonAsync(response)), HttpStatusCode.BadRequest, "4 bytes of binary data");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("999999")]
    public async Task Infer_BadHeaderLength_Answers400(string value)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"inputs\":[]}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(InferenceServer.HeaderLengthHeader, value);
        using var response = await fixture.Client.PostAsync("v2/models/lenet5/infer", content);
        V2.AssertError((response.StatusCode, await V2.ReadJsonAsync(response)), HttpStatusCode.BadRequest, InferenceServer.HeaderLengthHeader);
    }

    private static JsonObject Binary(string name, string datatype, int[] shape, int size) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]),
        ["parameters"] = new JsonObject { ["binary_data_size"] = size },
    };

    private async Task<HttpResponseMessage> PostBinaryAsync(string model, JsonObject header, byte[] binary)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var content = new ByteArrayContent([.. json, .. binary]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(InferenceServer.HeaderLengthHeader, json.Length.ToString());
        return await fixture.Client.PostAsync($"v2/models/{model}/infer", content);
    }

    private static async Task<(JsonElement Json, byte[] Binary)> SplitAsync(HttpResponseMessage response)
    {
        var length = int.Parse(response.Headers.GetValues(InferenceServer.HeaderLengthHeader).Single());
        var body = await response.Content.ReadAsByteArrayAsync();
        using var document = JsonDocument.Parse(body.AsMemory(0, length));
        return (document.RootElement.Clone(), body[length..]);
    }
}
