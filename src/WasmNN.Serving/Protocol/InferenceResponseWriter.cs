using System.Buffers;
using System.Text.Json;

namespace WasmNN.Serving.Protocol;

/// <summary>An encoded response body.</summary>
/// <param name="Body">The bytes to send.</param>
/// <param name="JsonLength">For a body with binary tensor data: the length of its JSON part (the <c>Inference-Header-Content-Length</c> header); null for plain JSON.</param>
public sealed record EncodedResponse(ReadOnlyMemory<byte> Body, int? JsonLength);

/// <summary>Encodes a v2 inference response: outputs as JSON arrays, or as binary tensor data after the JSON when asked.</summary>
public static class InferenceResponseWriter
{
    /// <summary>The response for <paramref name="request"/>, whose run produced <paramref name="outputs"/> (every output's bytes, in model order).</summary>
    public static EncodedResponse Write(ModelSignature model, InferenceRequest request, byte[][] outputs)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", model.Name);
            writer.WriteString("model_version", ModelSignature.Version);
            if (request.Id is not null) writer.WriteString("id", request.Id);
            writer.WriteStartArray("outputs");
            foreach (var requested in request.Outputs)
            {
                var info = model.Metadata.Outputs[requested.Index];
                var bytes = outputs[requested.Index];
                writer.WriteStartObject();
                writer.WriteString("name", info.Name);
                writer.WriteString("datatype", V2DataTypes.FromNumpy(info.DType));
                writer.WriteStartArray("shape");
                foreach (var d in model.ShapeFor(info, request.Rows)) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                if (requested.Binary)
                {
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", bytes.Length);
                    writer.WriteEndObject();
                }
                else
                {
                    var size = V2DataTypes.ElementSize(info.DType);
                    writer.WriteStartArray("data");
                    for (var offset = 0; offset < bytes.Length; offset += size)
                    {
                        V2DataTypes.WriteJson(writer, info.DType, bytes.AsSpan(offset, size));
                    }
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        if (!request.Outputs.Any(o => o.Binary))
        {
            return new EncodedResponse(buffer.WrittenMemory, null);
        }
        var jsonLength = buffer.WrittenCount;
        foreach (var requested in request.Outputs.Where(o => o.Binary))
        {
            buffer.Write(outputs[requested.Index]);
        }
        return new EncodedResponse(buffer.WrittenMemory, jsonLength);
    }

    /// <summary>A v2 error body: <c>{"error": "..."}</c>.</summary>
    public static byte[] Error(string message) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = message }, s_readable);

    /// <summary>Quotes and apostrophes in messages stay as they are (JSON allows them); the body is never embedded in HTML.</summary>
    private static readonly JsonSerializerOptions s_readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
