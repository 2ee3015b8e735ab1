using System.Globalization;
using System.Text;
using System.Text.Json;
using WasmNN.Compiler.IO;

namespace WasmNN.ServingLoad;

/// <summary>One request a load run sends, and the check its answer must pass.</summary>
/// <param name="Model">The model's name on the server.</param>
/// <param name="Body">The v2 JSON request.</param>
/// <param name="Expected">The first output's values, from an independent source.</param>
/// <param name="Tolerance">Largest absolute difference accepted per element.</param>
public sealed record LoadCase(string Model, byte[] Body, float[] Expected, float Tolerance)
{
    /// <summary>
    /// Request <paramref name="index"/> on the ONNX node test <c>test_add</c>'s model (x + y, both [3, 4, 5]): values
    /// unique to the request, so an answer meant for another request cannot pass; float addition gives the expectation.
    /// </summary>
    public static LoadCase Add(string model, int index)
    {
        var x = new float[60];
        var y = new float[60];
        var sum = new float[60];
        for (var i = 0; i < 60; i++)
        {
            x[i] = index + i;
            y[i] = i * 0.25f;
            sum[i] = x[i] + y[i];
        }
        return new LoadCase(model, Request(("x", [3, 4, 5], x), ("y", [3, 4, 5], y)), sum, 0);
    }

    /// <summary>LeNet-5 on its fixed input, with PyTorch's output (../shared/models) as the expectation.</summary>
    public static LoadCase LeNet(string model, string inputNpy, string outputNpy)
    {
        var input = Npy.Read(inputNpy);
        return new LoadCase(model, Request(("input", input.Shape, input.AsFloat32())), Npy.Read(outputNpy).AsFloat32(), 1e-4f);
    }

    /// <summary>Checks a response body: the first output's data matches <see cref="Expected"/>; null when it does, else what differs.</summary>
    public string? Check(byte[] response)
    {
        using var document = JsonDocument.Parse(response);
        var data = document.RootElement.GetProperty("outputs")[0].GetProperty("data");
        if (data.GetArrayLength() != Expected.Length) return $"{Model}: {data.GetArrayLength()} values, expected {Expected.Length}";
        var i = 0;
        foreach (var value in data.EnumerateArray())
        {
            var got = value.GetSingle();
            if (!(Math.Abs(got - Expected[i]) <= Tolerance)) return $"{Model}: element {i} is {got}, expected {Expected[i]}";
            i++;
        }
        return null;
    }

    private static byte[] Request(params (string Name, int[] Shape, float[] Data)[] inputs)
    {
        var json = new StringBuilder("{\"inputs\":[");
        for (var k = 0; k < inputs.Length; k++)
        {
            var (name, shape, data) = inputs[k];
            if (k > 0) json.Append(',');
            json.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"{name}\",\"datatype\":\"FP32\",\"shape\":[{string.Join(',', shape)}],\"data\":[");
            json.AppendJoin(',', data.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            json.Append("]}");
        }
        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}
