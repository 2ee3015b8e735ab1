using System.Net;
using System.Text.Json.Nodes;

namespace WasmNN.Serving.Tests;

/// <summary>Every way a request can be wrong gets a 4xx and a v2 error body naming the model, the input and the fault.</summary>
public sealed class InferErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>add's two 60-element inputs allow 64 KiB + 2 x 60 x 32 bytes of JSON.</summary>
    private const int JustPastAddsLimit = 64 * 1024 + 2 * 60 * 32 + 1000;

    private static JsonObject AddRequest(JsonObject? x = null) => V2.Request(
        x ?? V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(new float[60])),
        V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(new float[60])));

    [Theory]
    [InlineData("{\"inputs\": [", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{}", "\"inputs\" array")]
    [InlineData("{\"inputs\": [42]}", "\"name\" string")]
    [InlineData("{\"inputs\": [], \"id\": 5}", "\"id\" must be a string")]
    public async Task Infer_MalformedBody_Answers400(string body, string mention)
    {
        V2.AssertError(await V2.PostAsync(fixture.Client, "v2/models/add/infer", body), HttpStatusCode.BadRequest, mention);
    }

    [Fact]
    public async Task Infer_UnknownModel_Answers404()
    {
        V2.AssertError(await V2.InferAsync(fixture.Client, "resnet", AddRequest()), HttpStatusCode.NotFound, "unknown model 'resnet'");
    }

    [Fact]
    public async Task Infer_WrongShape_Answers400NamingBothShapes()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("x", "FP32", [4, 3, 5], V2.Floats(new float[60]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "model 'add' input 'x'", "[3, 4, 5]", "[4, 3, 5]");
    }

    [Fact]
    public async Task Infer_WrongDatatype_Answers400NamingBoth()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("x", "INT32", [3, 4, 5], V2.Longs(new long[60]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "input 'x' is FP32", "INT32");
    }

    [Fact]
    public async Task Infer_DatatypeTheServerLacks_Answers400()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("x", "BYTES", [3, 4, 5], V2.Floats(new float[60]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "BYTES", "does not know");
    }

    [Fact]
    public async Task Infer_TooFewElements_Answers400()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(new float[59]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "input 'x'", "60 elements", "has 59");
    }

    [Fact]
    public async Task Infer_TooManyElements_Answers400()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(new float[61]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "input 'x'", "more than the 60 elements");
    }

    [Fact]
    public async Task Infer_ElementNotANumber_Answers400NamingItsIndex()
    {
        var data = V2.Floats(new float[60]);
        data[7] = "seven";
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("x", "FP32", [3, 4, 5], data)));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "element 7", "\"seven\"", "FP32");
    }

    [Fact]
    public async Task Infer_Int64IndexWithAFraction_Answers400()
    {
        var data = TestModels.NodeTestTensor("test_gather_0", "input_0.pb");
        var answer = await V2.InferAsync(fixture.Client, "gather", V2.Request(
            V2.Tensor("data", "FP32", data.Shape, V2.Floats(data.AsFloat32())),
            V2.Tensor("indices", "INT64", [3], new JsonArray(0, 1.5, 2))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "input 'indices'", "element 1", "INT64");
    }

    [Fact]
    public async Task Infer_UnknownInputName_Answers400ListingTheInputs()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", AddRequest(V2.Tensor("z", "FP32", [3, 4, 5], V2.Floats(new float[60]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "no input 'z'", "x, y");
    }

    [Fact]
    public async Task Infer_MissingInput_Answers400()
    {
        var answer = await V2.InferAsync(fixture.Client, "add", V2.Request(V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(new float[60]))));
        V2.AssertError(answer, HttpStatusCode.BadRequest, "missing input 'x'");
    }

    [Fact]
    public async Task Infer_InputGivenTwice_Answers400()
    {
        var request = AddRequest();
        request["inputs"]!.AsArray().Add(V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(new float[60])));
        V2.AssertError(await V2.InferAsync(fixture.Client, "add", request), HttpStatusCode.BadRequest, "input 'y' is given twice");
    }

    [Fact]
    public async Task Infer_UnknownRequestedOutput_Answers400()
    {
        var request = AddRequest();
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "product" });
        V2.AssertError(await V2.InferAsync(fixture.Client, "add", request), HttpStatusCode.BadRequest, "no output 'product'", "sum");
    }

    [Fact]
    public async Task Infer_BodyLargerThanTheModelTakes_Answers413()
    {
        // Just past the limit, so the client has sent it all (into socket buffers) before the early answer comes.
        var body = "{\"pad\": \"" + new string(' ', JustPastAddsLimit) + "\"}";
        using var client = OwnConnectionClient();
        V2.AssertError(await V2.PostAsync(client, "v2/models/add/infer", body), HttpStatusCode.RequestEntityTooLarge, "model 'add' accepts at most");
    }

    [Fact]
    public async Task Infer_ChunkedBodyLargerThanTheModelTakes_Answers413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/add/infer")
        {
            Content = new StringContent("{\"pad\": \"" + new string(' ', JustPastAddsLimit) + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = true; // no Content-Length: Kestrel's limit stops the body while it is read
        using var client = OwnConnectionClient();
        using var response = await client.SendAsync(request);
        V2.AssertError((response.StatusCode, await V2.ReadJsonAsync(response)), HttpStatusCode.RequestEntityTooLarge, "larger than model 'add' accepts");
    }

    /// <summary>
    /// A client with a connection pool of its own: the server closes a connection whose body it answered early (413),
    /// and a shared pool could hand that closing connection to another test's request.
    /// </summary>
    private HttpClient OwnConnectionClient() => new() { BaseAddress = fixture.Server.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Infer_Get_Answers405WithAnErrorBody()
    {
        V2.AssertError(await V2.GetAsync(fixture.Client, "v2/models/add/infer"), HttpStatusCode.MethodNotAllowed, "POST");
    }
}
