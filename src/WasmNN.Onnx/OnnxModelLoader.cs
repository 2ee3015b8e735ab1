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

    /// <summary>
    /// Parses a model file without reading its weights: the top-level initializers' raw_data and external data stay
    /// in their files, and <see cref="OnnxModelFile.DataRanges"/> says where (external data is checked as
    /// <see cref="LoadModel(string)"/> checks it, without being read).
    /// </summary>
    /// <exception cref="OnnxFormatException">The file is missing, truncated or not an ONNX model.</exception>
    public static OnnxModelFile OpenModel(string path)
    {
        var fullPath = Path.GetFullPath(path);
        byte[] skeleton;
        List<(long Offset, long Length)?> rawData;
        try
        {
            using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            (skeleton, rawData) = WeightlessModelReader.Read(file, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new OnnxFormatException(Directory.Exists(path) ? $"{path}: cannot read ONNX model: it is a directory"
                : $"{path}: cannot read ONNX model: {e.Message}", e);
        }
        var model = ParseModel(() => ModelProto.Parser.ParseFrom(skeleton), path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var ranges = new Dictionary<TensorProto, TensorDataRange>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < model.Graph.Initializer.Count; i++)
        {
            var tensor = model.Graph.Initializer[i];
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                ranges[tensor] = ExternalRange(tensor, directory, path);
                tensor.ExternalData.Clear();
                tensor.DataLocation = TensorProto.Types.DataLocation.Default;
            }
            else if (i < rawData.Count && rawData[i] is { } raw)
            {
                ranges[tensor] = new TensorDataRange(fullPath, raw.Offset, raw.Length);
            }
        }
        ResolveAttributeExternalData(model, directory, path);
        return new OnnxModelFile(model, ranges);
    }

    /// <summary>Parses a model from a stream; <paramref name="baseDirectory"/> resolves external data.</summary>
    /// <param name="stream">The serialized ModelProto.</param>
    /// <param name="sourceName">Name used in error messages (usually the file name).</param>
    /// <param name="baseDirectory">Directory for external tensor data, or null when there is none.</param>
    public static ModelProto LoadModel(Stream stream, string sourceName, string? baseDirectory = null)
    {
        var model = ParseModel(() => ModelProto.Parser.ParseFrom(stream), sourceName);
        ResolveExternalData(model, baseDirectory, sourceName);
        return model;
    }

    /// <summary>Runs <paramref name="parse"/>; a protobuf error or a model without a graph is an <see cref="OnnxFormatException"/> naming the source.</summary>
    private static ModelProto ParseModel(Func<ModelProto> parse, string sourceName)
    {
        ModelProto model;
        try
        {
            model = parse();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{sourceName}: not a valid ONNX model (corrupt or truncated protobuf: {e.Message})", e);
        }
        return model.Graph is null ? throw new OnnxFormatException($"{sourceName}: ONNX model has no graph (empty or not an ONNX file)") : model;
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

    /// <summary>Parses one serialized <see cref="SequenceProto"/> file (a node test's sequence input or output).</summary>
    public static SequenceProto LoadSequence(string path) => ParseFile(path, SequenceProto.Parser, "ONNX sequence");

    /// <summary>Parses one serialized <see cref="OptionalProto"/> file (a node test's optional input or output).</summary>
    public static OptionalProto LoadOptional(string path) => ParseFile(path, OptionalProto.Parser, "ONNX optional");

    private static T ParseFile<T>(string path, MessageParser<T> parser, string what) where T : IMessage<T>
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new OnnxFormatException(Directory.Exists(path) ? $"{path}: cannot read {what}: it is a directory"
                : $"{path}: cannot read {what}: {e.Message}", e);
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
        ResolveAttributeExternalData(model, baseDirectory, sourceName);
    }

    private static void ResolveAttributeExternalData(ModelProto model, string? baseDirectory, string sourceName)
    {
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

    /// <summary>Reads the tensor's bytes from its external file (<see cref="ExternalRange"/>) into raw_data and marks it as inline.</summary>
    private static void InlineExternalData(TensorProto tensor, string? baseDirectory, string sourceName)
    {
        var range = ExternalRange(tensor, baseDirectory, sourceName);
        if (range.Length > Array.MaxLength)
        {
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}': {range.Length} bytes is more than one tensor can hold");
        }
        var bytes = new byte[range.Length];
        try
        {
            if (bytes.Length > 0)
            {
                using var stream = new FileStream(range.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
                stream.Position = range.Offset;
                stream.ReadExactly(bytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' external data: cannot be read: {e.Message}", e);
        }
        tensor.RawData = ByteString.CopyFrom(bytes);
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.Default;
    }

    /// <summary>
    /// Where the tensor's external bytes are. The file must be a regular file whose resolved path (symbolic links
    /// followed) lies inside the model's directory; the range is checked against the file's size, and nothing is
    /// opened (opening a pipe would block).
    /// </summary>
    private static TensorDataRange ExternalRange(TensorProto tensor, string? baseDirectory, string sourceName)
    {
        var label = $"{sourceName}: tensor '{tensor.Name}'";
        string? location = null;
        long? offset = null;
        long? length = null;
        foreach (var entry in tensor.ExternalData)
        {
            var repeated = entry.Key switch
            {
                "location" => location is not null,
                "offset" => offset is not null,
                "length" => length is not null,
                _ => false,
            };
            if (repeated)
            {
                throw new OnnxFormatException($"{label}: external data key '{entry.Key}' appears twice");
            }
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseInteger(entry.Value, "offset", label); break;
                case "length": length = ParseInteger(entry.Value, "length", label); break;
            }
        }
        if (location is null)
        {
            throw new OnnxFormatException($"{label} has external data without a 'location'");
        }
        if (baseDirectory is null)
        {
            throw new OnnxFormatException($"{label} uses external data '{location}' but the model was not loaded from a directory");
        }
        label = $"{label} external data '{location}'";
        if (location.Length == 0 || Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
        {
            throw new OnnxFormatException($"{label}: the location must be a relative path inside the model's directory");
        }
        try
        {
            var file = ResolvedPath.Of(Path.Combine(baseDirectory, location));
            if (!ResolvedPath.IsInside(file, baseDirectory))
            {
                throw new OnnxFormatException($"{label}: resolves to '{file}', outside the model's directory (symbolic links are followed)");
            }
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw new OnnxFormatException(Directory.Exists(file) ? $"{label}: is a directory, not a file" : $"{label}: no such file");
            }
            // Pipes, sockets and devices report size 0: with the range checked against the size first, they are
            // never opened (opening a pipe would block), so only regular files are ever read.
            var size = info.Length;
            var start = offset ?? 0;
            if (start > size)
            {
                throw new OnnxFormatException($"{label}: offset {start} lies past the end of the file ({size} bytes)");
            }
            var count = length ?? size - start;
            if (count > size - start)
            {
                throw new OnnxFormatException($"{label}: offset {start} + length {count} runs past the end of the file ({size} bytes)");
            }
            return new TensorDataRange(file, start, count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"{label}: cannot be read: {e.Message}", e);
        }
    }

    private static long ParseInteger(string text, string key, string label) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OnnxFormatException($"{label}: external data '{key}' is not a non-negative integer: '{text}'");
}
