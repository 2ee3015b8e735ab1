using System.Net;
using System.Text.Json.Nodes;

namespace WasmNN.Serving.Tests;

/// <summary>Inference with JSON tensors on models served together, outputs compared with PyTorch's and the ONNX node tests'.</summary>
public sealed class InferJsonTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Infer_LeNet5Json_MatchesPyTorchsOutput()
    {
        var request = V2.Request(V2.Tensor("input", "FP32", [1, 1, 28, 28], V2.Floats(TestModels.LeNetInput())));
        request["id"] = "req-7";
        var (status, body) = await V2.InferAsync(fixture.Client, "lenet5", request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lenet5", body.GetProperty("model_name").GetString());
        Assert.Equal("req-7", body.GetProperty("id").GetString());
        var output = body.GetProperty("outputs")[0];
        Assert.Equal("output", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([1, 10], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var expected = TestModels.LeNetOutput();
        var actual = V2.OutputFloats(body);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"element {i}: {actual[i]} vs PyTorch {expected[i]}");
    }

    [Fact]
    public async Task Infer_NestedDataArrays_AreReadRowMajor()
    {
        var x = TestModels.NodeTestTensor("test_add", "input_0.pb").AsFloat32();
        var y = TestModels.NodeTestTensor("test_add", "input_1.pb").AsFloat32();
        JsonArray Nested(float[] v) => new([.. Enumerable.Range(0, 3).Select(a => (JsonNode)new JsonArray([.. Enumerable.Range(0, 4).Select(b => (JsonNode)V2.Floats(v.Skip((a * 4 + b) * 5).Take(5)))]))]);
        var request = V2.Request(V2.Tensor("x", "FP32", [3, 4, 5], Nested(x)), V2.Tensor("y", "FP32", [3, 4, 5], Nested(y)));
        var (status, body) = await V2.InferAsync(fixture.Client, "add", request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TestModels.NodeTestTensor("test_add", "output_0.pb").AsFloat32(), V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_Int64Input_GatherMatchesTheNodeTestsOutput()
    {
        var data = TestModels.NodeTestTensor("test_gather_0", "input_0.pb");
        var indices = TestModels.NodeTestTensor("test_gather_0", "input_1.pb");
        var request = V2.Request(
            V2.Tensor("data", "FP32", data.Shape, V2.Floats(data.AsFloat32())),
            V2.Tensor("indices", "INT64", indices.Shape, V2.Longs(indices.AsInt64())));
        var (status, body) = await V2.InferAsync(fixture.Client, "gather", request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TestModels.NodeTestTensor("test_gather_0", "output_0.pb").AsFloat32(), V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_Float16Output_IsWrittenAsTheNodeTestsValues()
    {
        var input = TestModels.NodeTestTensor("test_cast_FLOAT_to_FLOAT16", "input_0.pb");
        var request = V2.Request(V2.Tensor("input", "FP32", input.Shape, V2.Floats(input.AsFloat32())));
        var (status, body) = await V2.InferAsync(fixture.Client, "to_fp16", request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("FP16", body.GetProperty("outputs")[0].GetProperty("datatype").GetString());
        var expected = TestModels.NodeTestTensor("test_cast_FLOAT_to_FLOAT16", "output_0.pb").ToDoubleArray();
        Assert.Equal(expected.Select(v => (float)v), V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_Float16Input_IsReadFromJsonNumbers()
    {
        var input = TestModels.NodeTestTensor("test_cast_FLOAT16_to_FLOAT", "input_0.pb");
        var request = V2.Request(V2.Tensor("input", "FP16", input.Shape, V2.Floats(input.ToDoubleArray().Select(v => (float)v))));
        var (status, body) = await V2.InferAsync(fixture.Client, "from_fp16", request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TestModels.NodeTestTensor("test_cast_FLOAT16_to_FLOAT", "output_0.pb").AsFloat32(), V2.OutputFloats(body));
    }

    [Fact]
    public async Task Infer_TwoModelsConcurrently_EachAnswerIsItsOwn()
    {
        var lenetRequest = V2.Request(V2.Tensor("input", "FP32", [1, 1, 28, 28], V2.Floats(TestModels.LeNetInput())));
        var lenetExpected = TestModels.LeNetOutput();
        var tasks = Enumerable.Range(0, 40).Select(async i =>
        {
            if (i % 2 == 0)
            {
                var (status, body) = await V2.InferAsync(fixture.Client, "lenet5", lenetRequest.DeepClone().AsObject());
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.All(V2.OutputFloats(body).Zip(lenetExpected), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4f));
            }
            else
            {
                var x = Enumerable.Range(0, 60).Select(k => (float)(i * 100 + k)).ToArray();
                var request = V2.Request(V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(x)), V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(x)));
                var (status, body) = await V2.InferAsync(fixture.Client, "add", request);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(x.Select(v => v + v), V2.OutputFloats(body));
            }
        });
        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Infer_RequestedOutputByName_ReturnsOnlyIt()
    {
        var request = V2.Request(
            V2.Tensor("x", "FP32", [3, 4, 5], V2.Floats(Enumerable.Repeat(1f, 60))),
            V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(Enumerable.Repeat(2f, 60))));
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "sum" });
        var (status, body) = await V2.InferAsync(fixture.Client, "add", request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.All(V2.OutputFloats(body), v => Assert.Equal(3f, v));
    }

    [Fact]
    public async Task Infer_NonFiniteFloats_TravelAsTheirJsonStrings()
    {
        var x = new JsonArray([.. Enumerable.Range(0, 60).Select(i => i switch { 0 => (JsonNode)"NaN", 1 => "Infinity", 2 => "-Infinity", _ => (JsonNode)1f })]);
        var request = V2.Request(V2.Tensor("x", "FP32", [3, 4, 5], x), V2.Tensor("y", "FP32", [3, 4, 5], V2.Floats(new float[60])));
        var (status, body) = await V2.InferAsync(fixture.Client, "add", request);
        Assert.Equal(HttpStatusCode.OK, status);
        var data = body.GetProperty("outputs")[0].GetProperty("data");
        Assert.Equal(["NaN", "Infinity", "-Infinity"], Enumerable.Range(0, 3).Select(i => data[i].GetString()));
        Assert.Equal(1f, data[3].GetSingle());
    }
}
