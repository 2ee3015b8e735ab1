using Google.Protobuf;
using WasmNN.Onnx.Protos;

namespace WasmNN.Onnx;

/// <summary>
/// Reads ONNX protobuf files: the model, a single serialized <see cref="TensorProto"/> (as in the ONNX node
/// tests), and tensors whose bytes live in external files.
/// </summary>
public static class OnnxModelLoader
{
    /// <summary>Parses a model file; external tensor data is resolved relative to the file's directory.</summary>
    /// <exception cref="OnnxFormatException">The file is missing, truncated or not an ONNX model.</exception>
    public static ModelProto LoadModel(string path)
    {
        var model = ParseFile(path, ModelProto.Parser, "ONNX model");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        ResolveExternalData(model, directory, path);
        return model;
    }

    /// <summary>Parses a model from a stream; <paramref name="baseDirectory"/> resolves external data.</summary>
    /// <param name="stream">The serialized ModelProto.</param>
    /// <param name="sourceName">Name used in error messages (usually the file name).</param>
    /// <param name="baseDirectory">Directory for external tensor data, or null when there is none.</param>
    public static ModelProto LoadModel(Stream stream, string sourceName, string? baseDirectory = null)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{sourceName}: not a valid ONNX model (corrupt or truncated protobuf: {e.Message})", e);
        }
        if (model.Graph is null)
        {
            throw new OnnxFormatException($"{sourceName}: ONNX model has no graph (empty or not an ONNX file)");
        }
        ResolveExternalData(model, baseDirectory, sourceName);
        return model;
    }

    /// <summary>Parses one serialized <see cref="TensorProto"/> file (the ONNX node-test input_N.pb format).</summary>
    public static TensorProto LoadTensor(string path)
    {
        var tensor = ParseFile(path, TensorProto.Parser, "ONNX tensor");
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            InlineExternalData(tensor, Path.GetDirectoryName(Path.GetFullPath(path)), path);
        }
        return tensor;
    }

    private static T ParseFile<T>(string path, MessageParser<T> parser, string what) where T : IMessage<T>
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"{path}: cannot read {what}: {e.Message}", e);
        }
        T message;
        try
        {
            message = parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{path}: not a valid {what} (corrupt or truncated protobuf: {e.Message})", e);
        }
        if (message is ModelProto { Graph: null })
        {
            throw new OnnxFormatException($"{path}: {what} has no graph (empty or not an ONNX file)");
        }
        return message;
    }

    private static void ResolveExternalData(ModelProto model, string? baseDirectory, string sourceName)
    {
        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                InlineExternalData(tensor, baseDirectory, sourceName);
            }
        }
        foreach (var node in model.Graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                if (attribute.T is { DataLocation: TensorProto.Types.DataLocation.External } t)
                {
                    InlineExternalData(t, baseDirectory, sourceName);
                }
            }
        }
    }

    /// <summary>Reads the tensor's bytes from its external file into raw_data and marks it as inline.</summary>
    private static void InlineExternalData(TensorProto tensor, string? baseDirectory, string sourceName)
    {
        string? location = null;
        long offset = 0;
        long length = -1;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseInteger(entry.Value, "offset", tensor, sourceName); break;
                case "length": length = ParseInteger(entry.Value, "length", tensor, sourceName); break;
            }
        }
        if (location is null)
        {
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' has external data without a 'location'");
        }
        if (baseDirectory is null)
        {
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' uses external data '{location}' but the model was not loaded from a directory");
        }
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
        {
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' external data location '{location}' must be a relative path inside the model's directory");
        }
        var file = Path.Combine(baseDirectory, location);
        try
        {
            using var stream = File.OpenRead(file);
            if (length < 0)
            {
                length = stream.Length - offset;
            }
            if (offset < 0 || offset + length > stream.Length)
            {
                throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' external data [{offset}, {offset + length}) lies outside '{location}' ({stream.Length} bytes)");
            }
            var bytes = new byte[length];
            stream.Position = offset;
            stream.ReadExactly(bytes);
            tensor.RawData = ByteString.CopyFrom(bytes);
        }
        catch (IOException e)
        {
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' external data '{location}' cannot be read: {e.Message}", e);
        }
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.Default;
    }

    private static long ParseInteger(string text, string key, TensorProto tensor, string sourceName) =>
        long.TryParse(text, out var value) && value >= 0
            ? value
            : throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' external data '{key}' is not a non-negative integer: '{text}'");
}
