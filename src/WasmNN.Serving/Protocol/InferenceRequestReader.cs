using System.Text.Json;

namespace WasmNN.Serving.Protocol;

/// <summary>
/// Decodes a v2 inference request body (JSON, or JSON followed by binary tensor data when the
/// <c>Inference-Header-Content-Length</c> header says where the JSON ends) against a model's signature. Every
/// mistake is a 400 naming the model, the input and what is wrong.
/// </summary>
public static class InferenceRequestReader
{
    /// <summary>Decodes <paramref name="body"/>; <paramref name="jsonLength"/> is the header's value, or null for an all-JSON body.</summary>
    /// <exception cref="InferenceException">400: the body is not a valid request for <paramref name="model"/>.</exception>
    public static InferenceRequest Read(ModelSignature model, ReadOnlyMemory<byte> body, long? jsonLength)
    {
        var json = body;
        var binary = ReadOnlyMemory<byte>.Empty;
        if (jsonLength is { } length)
        {
            if (length < 0 || length > body.Length)
            {
                throw InferenceException.BadRequest($"Inference-Header-Content-Length is {length}, but the body has {body.Length} bytes");
            }
            json = body[..(int)length];
            binary = body[(int)length..];
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw InferenceException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            return Read(model, document.RootElement, binary.Span);
        }
    }

    private static InferenceRequest Read(ModelSignature model, JsonElement root, ReadOnlySpan<byte> binary)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"the request body must be a JSON object, got {root.ValueKind}");
        }
        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : throw InferenceException.BadRequest("\"id\" must be a string");
        }
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"model '{model.Name}': the request needs an \"inputs\" array");
        }
        var metadata = model.Metadata;
        var data = new byte[metadata.Inputs.Count][];
        var rows = 0;
        var binaryOffset = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            var (index, inputRows, bytes) = ReadInput(model, input, binary, ref binaryOffset);
            var name = metadata.Inputs[index].Name;
            if (data[index] is not null)
            {
                throw InferenceException.BadRequest($"model '{model.Name}': input '{name}' is given twice");
            }
            if (rows != 0 && inputRows != rows)
            {
                throw InferenceException.BadRequest($"model '{model.Name}': input '{name}' has {inputRows} rows, an earlier input {rows}");
            }
            rows = inputRows;
            data[index] = bytes;
        }
        var missing = metadata.Inputs.Where((_, i) => data[i] is null).Select(t => t.Name).ToArray();
        if (missing.Length > 0)
        {
            throw InferenceException.BadRequest($"model '{model.Name}': missing input {string.Join(", ", missing.Select(n => $"'{n}'"))}");
        }
        if (binaryOffset != binary.Length)
        {
            throw InferenceException.BadRequest($"{binary.Length - binaryOffset} bytes of binary data follow the JSON that no input claims (binary_data_size)");
        }
        return new InferenceRequest(id, rows, data, ReadOutputs(model, root));
    }

    private static (int Index, int Rows, byte[] Bytes) ReadInput(ModelSignature model, JsonElement input, ReadOnlySpan<byte> binary, ref int binaryOffset)
    {
        if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            throw InferenceException.BadRequest($"model '{model.Name}': each input must be an object with a \"name\" string");
        }
        var name = nameElement.GetString()!;
        var index = model.InputIndex(name);
        var info = model.Metadata.Inputs[index];
        var where = $"model '{model.Name}' input '{name}'";
        if (!input.TryGetProperty("datatype", out var datatype) || datatype.ValueKind != JsonValueKind.String)
        {
            throw InferenceException.BadRequest($"{where}: \"datatype\" is missing");
        }
        var expected = V2DataTypes.FromNumpy(info.DType);
        if (datatype.GetString() != expected)
        {
            var known = V2DataTypes.ToNumpy(datatype.GetString()!) is null ? " (a data type this server does not know)" : "";
            throw InferenceException.BadRequest($"{where} is {expected}, the request says {datatype.GetString()}{known}");
        }
        if (!input.TryGetProperty("shape", out var shape))
        {
            throw InferenceException.BadRequest($"{where}: \"shape\" is missing");
        }
        var rows = model.CheckInputShape(index, shape);
        var bytes = new byte[model.ByteCountFor(info, rows)];
        var binarySize = BinaryDataSize(input, where);
        var hasData = input.TryGetProperty("data", out var dataElement);
        if (binarySize is { } size)
        {
            if (hasData)
            {
                throw InferenceException.BadRequest($"{where} has both \"data\" and binary_data_size");
            }
            if (size != bytes.Length)
            {
                throw InferenceException.BadRequest($"{where}: binary_data_size is {size}, its shape and datatype make {bytes.Length} bytes");
            }
            if (binary.Length - binaryOffset < size)
            {
                throw InferenceException.BadRequest($"{where}: binary_data_size is {size}, but only {binary.Length - binaryOffset} bytes of binary data are left");
            }
            binary.Slice(binaryOffset, (int)size).CopyTo(bytes);
            binaryOffset += (int)size;
        }
        else if (!hasData)
        {
            throw InferenceException.BadRequest($"{where} has neither \"data\" nor binary_data_size");
        }
        else
        {
            var count = 0;
            Flatten(dataElement, info.DType, bytes, V2DataTypes.ElementSize(info.DType), ref count, where, expected);
            if (count * V2DataTypes.ElementSize(info.DType) != bytes.Length)
            {
                throw InferenceException.BadRequest($"{where}: shape {V2DataTypes.Shape(model.ShapeFor(info, rows))} holds {bytes.Length / V2DataTypes.ElementSize(info.DType)} elements, \"data\" has {count}");
            }
        }
        return (index, rows, bytes);
    }

    /// <summary>Writes the elements of <paramref name="data"/> (flat or nested arrays, row-major) into <paramref name="target"/>.</summary>
    private static void Flatten(JsonElement data, string dtype, byte[] target, int size, ref int count, string where, string v2Type)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"{where}: \"data\" must be an array, got {V2DataTypes.Show(data)}");
        }
        foreach (var element in data.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                Flatten(element, dtype, target, size, ref count, where, v2Type);
                continue;
            }
            if ((count + 1) * size > target.Length)
            {
                throw InferenceException.BadRequest($"{where}: \"data\" has more than the {target.Length / size} elements its shape holds");
            }
            if (!V2DataTypes.TryWrite(element, dtype, target.AsSpan(count * size, size)))
            {
                throw InferenceException.BadRequest($"{where}: element {count} is {V2DataTypes.Show(element)}, not a {v2Type} value");
            }
            count++;
        }
    }

    private static long? BinaryDataSize(JsonElement tensor, string where)
    {
        if (!tensor.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object
            || !parameters.TryGetProperty("binary_data_size", out var size))
        {
            return null;
        }
        return size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var n) && n >= 0
            ? n
            : throw InferenceException.BadRequest($"{where}: binary_data_size must be a non-negative integer, got {V2DataTypes.Show(size)}");
    }

    private static bool BinaryFlag(JsonElement owner, string name)
    {
        return owner.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty(name, out var flag) && flag.ValueKind == JsonValueKind.True;
    }

    private static RequestedOutput[] ReadOutputs(ModelSignature model, JsonElement root)
    {
        var allBinary = BinaryFlag(root, "binary_data_output");
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return [.. Enumerable.Range(0, model.Metadata.Outputs.Count).Select(i => new RequestedOutput(i, allBinary))];
        }
        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"model '{model.Name}': \"outputs\" must be an array");
        }
        var requested = new List<RequestedOutput>();
        foreach (var output in outputs.EnumerateArray())
        {
            if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw InferenceException.BadRequest($"model '{model.Name}': each requested output must be an object with a \"name\" string");
            }
            var index = model.OutputIndex(name.GetString()!);
            if (requested.Any(r => r.Index == index))
            {
                throw InferenceException.BadRequest($"model '{model.Name}': output '{name.GetString()}' is requested twice");
            }
            requested.Add(new RequestedOutput(index, allBinary || BinaryFlag(output, "binary_data")));
        }
        return [.. requested];
    }
}
