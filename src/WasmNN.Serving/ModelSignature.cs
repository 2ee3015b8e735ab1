using System.Text.Json;
using WasmNN.Compiler.Abi;
using WasmNN.Serving.Protocol;

namespace WasmNN.Serving;

/// <summary>
/// What a served model accepts and returns, from its module's metadata: the name clients use, its inputs and
/// outputs, and whether requests may carry fewer rows than the model was compiled for.
/// </summary>
/// <remarks>
/// A model whose every input was declared with a dynamic first dimension (a dim_param, fixed at compile time to C)
/// and whose inputs and outputs all lead with C is <em>batchable</em>: a request may carry 1..C rows, the server
/// pads the rest with zeros (and with dynamic batching fills them with other requests' rows). Any other model takes
/// exactly the shapes it was compiled for.
/// </remarks>
public sealed class ModelSignature
{
    /// <summary>Bytes a JSON request may spend per element (digits, sign, exponent, separator, nesting) before it is "too large".</summary>
    private const int JsonBytesPerElement = 32;

    /// <summary>Room for the JSON around the tensors (names, shapes, parameters).</summary>
    private const int EnvelopeBytes = 64 * 1024;

    /// <summary>The one version each served model has (v2 URLs may name it: <c>/v2/models/{name}/versions/1</c>).</summary>
    public const string Version = "1";

    /// <summary>Reads the signature of a model called <paramref name="name"/> from <paramref name="metadata"/>.</summary>
    public ModelSignature(string name, ModelMetadata metadata)
    {
        Name = name;
        Metadata = metadata;
        BatchCapacity = FindBatchCapacity(metadata);
        MaxRequestBytes = EnvelopeBytes + metadata.Inputs.Sum(i => (long)i.ElementCount * JsonBytesPerElement);
    }

    /// <summary>The name in the URL (<c>/v2/models/{name}</c>).</summary>
    public string Name { get; }

    /// <summary>The module's metadata.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>Rows of the compiled batch dimension when the model is batchable, otherwise 0.</summary>
    public int BatchCapacity { get; }

    /// <summary>The largest request body accepted for this model (bigger ones get 413).</summary>
    public long MaxRequestBytes { get; }

    /// <summary>The index of input <paramref name="name"/>.</summary>
    /// <exception cref="InferenceException">400: no such input.</exception>
    public int InputIndex(string name) => IndexOf(Metadata.Inputs, name, "input");

    /// <summary>The index of output <paramref name="name"/>.</summary>
    /// <exception cref="InferenceException">400: no such output.</exception>
    public int OutputIndex(string name) => IndexOf(Metadata.Outputs, name, "output");

    /// <summary>
    /// Checks a request's shape for input <paramref name="index"/> and returns its rows (its first dimension for a
    /// batchable model, 1 otherwise).
    /// </summary>
    /// <exception cref="InferenceException">400: not an array of dimensions, or not a shape the model takes.</exception>
    public int CheckInputShape(int index, JsonElement shape)
    {
        var info = Metadata.Inputs[index];
        if (shape.ValueKind != JsonValueKind.Array || shape.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var v) || v < 0))
        {
            throw InferenceException.BadRequest($"model '{Name}' input '{info.Name}': \"shape\" must be an array of non-negative integers, got {V2DataTypes.Show(shape)}");
        }
        var dims = shape.EnumerateArray().Select(d => d.GetInt32()).ToArray();
        if (BatchCapacity > 0 && dims.Length == info.Shape.Length && dims.AsSpan(1).SequenceEqual(info.Shape.AsSpan(1)) && dims[0] >= 1 && dims[0] <= BatchCapacity)
        {
            return dims[0];
        }
        if (BatchCapacity == 0 && dims.AsSpan().SequenceEqual(info.Shape))
        {
            return 1;
        }
        var expected = BatchCapacity > 0
            ? $"[1..{BatchCapacity}, {string.Join(", ", info.Shape.Skip(1))}]"
            : V2DataTypes.Shape(info.Shape);
        throw InferenceException.BadRequest($"model '{Name}' input '{info.Name}' has shape {expected}, the request says {V2DataTypes.Shape(dims)}");
    }

    /// <summary>The shape of input or output <paramref name="info"/> for a request of <paramref name="rows"/> rows.</summary>
    public int[] ShapeFor(TensorInfo info, int rows) => BatchCapacity > 0 ? [rows, .. info.Shape.Skip(1)] : info.Shape;

    /// <summary>Bytes of <paramref name="info"/> for a request of <paramref name="rows"/> rows.</summary>
    public int ByteCountFor(TensorInfo info, int rows) => BatchCapacity > 0 ? info.ByteCount / BatchCapacity * rows : info.ByteCount;

    private int IndexOf(IReadOnlyList<TensorInfo> infos, string name, string what)
    {
        for (var i = 0; i < infos.Count; i++)
        {
            if (infos[i].Name == name) return i;
        }
        throw InferenceException.BadRequest($"model '{Name}' has no {what} '{name}' ({what}s: {string.Join(", ", infos.Select(t => t.Name))})");
    }

    private static int FindBatchCapacity(ModelMetadata metadata)
    {
        var inputs = metadata.Inputs;
        if (inputs.Count == 0 || inputs.Any(i => i.Shape.Length == 0 || i.DimParams is not { Length: > 0 } || i.DimParams[0] is null))
        {
            return 0;
        }
        var rows = inputs[0].Shape[0];
        return rows >= 1 && inputs.Concat(metadata.Outputs).All(t => t.Shape.Length > 0 && t.Shape[0] == rows) ? rows : 0;
    }
}
