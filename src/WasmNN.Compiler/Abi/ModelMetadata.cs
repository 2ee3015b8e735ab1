using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WasmNN.Compiler.IR;
using WasmNN.Wasm;

namespace WasmNN.Compiler.Abi;

/// <summary>One input or output of a compiled model.</summary>
/// <param name="Name">The ONNX value name.</param>
/// <param name="DType">Element type as numpy spells it ("float32").</param>
/// <param name="Shape">Static dimensions (for an input the model declared dynamic, the sizes it was compiled for).</param>
/// <param name="DimParams">
/// For an input the model declared with dynamic dimensions: what each dimension was in the model (its dim_param
/// name, "?" when unnamed, null when static), i.e. the symbols <paramref name="Shape"/> replaced; absent otherwise.
/// </param>
/// <param name="RuntimeDims">
/// For an output whose length depends on the data (NonZero, NonMaxSuppression...): the axes whose actual length each
/// run reports through <c>wasmnn_output_dims</c>; <paramref name="Shape"/> is then the maximum. Absent otherwise.
/// </param>
/// <param name="StringBytes">
/// For a <c>string</c> tensor: the capacity in bytes of the UTF-8 area after its offset table (docs/ABI.md, "String
/// tensors"). Absent otherwise.
/// </param>
public sealed record TensorInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("dim_params"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string?[]? DimParams = null,
    [property: JsonPropertyName("runtime_dims"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int[]? RuntimeDims = null,
    [property: JsonPropertyName("string_bytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StringBytes = null)
{
    /// <summary>Number of elements.</summary>
    [JsonIgnore]
    public int ElementCount => Shapes.ElementCount(Shape);

    /// <summary>True when a run reports some of the output's dimensions (<see cref="RuntimeDims"/>).</summary>
    [JsonIgnore]
    public bool HasRuntimeDims => RuntimeDims is { Length: > 0 };

    /// <summary>True for a string tensor (its buffer is an offset table and UTF-8, <see cref="StringTensorLayout"/>).</summary>
    [JsonIgnore]
    public bool IsString => DataTypeOf(DType).IsString();

    /// <summary>Bytes of the dense buffer (at the maximum shape for run-time dimensions; for strings the offset table and the UTF-8 capacity).</summary>
    [JsonIgnore]
    public int ByteCount => IsString ? checked((int)StringTensorLayout.BufferBytes(ElementCount, StringBytes ?? 0)) : ElementCount * DataTypeOf(DType).ByteSize();

    /// <summary>The IR data type for a dtype name (numpy's, and "bfloat16"; <see cref="DataTypeInfo.Name"/>).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static DataType DataTypeOf(string dtype) =>
        DataTypes.FromName(dtype) ?? throw new FormatException($"unknown dtype '{dtype}'");

    /// <summary>The dtype name of <paramref name="type"/> ("float32", "float16", "bfloat16", "uint64"...).</summary>
    public static string DTypeName(DataType type) => type.Info().Name;
}

/// <summary>The threads build's requirements (docs/ABI.md).</summary>
/// <param name="MaxWorkers">Most workers <c>wasmnn_run_worker</c> accepts.</param>
/// <param name="MemoryPages">Size of the shared memory to import as <c>env.memory</c> (minimum = maximum), in 64 KiB pages.</param>
public sealed record ThreadsInfo(
    [property: JsonPropertyName("max_workers")] int MaxWorkers,
    [property: JsonPropertyName("memory_pages")] uint MemoryPages)
{
    /// <summary>Present in a phase-profile build (<c>wasmnn compile --threads N --phase-profile</c>, benchmarks only).</summary>
    [JsonPropertyName("profile"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PhaseProfileInfo? Profile { get; init; }
}

/// <summary>
/// Where a phase-profile build keeps its times (docs/PERFORMANCE.md "Threads, part 4"): per worker a header (entry and
/// exit of <c>wasmnn_run_worker</c>, f64 milliseconds of <c>env.wasmnn_now</c>), then per site and worker a record of seven
/// f64: work, spin, sleep and late milliseconds, chunks taken, entries, hand-off milliseconds.
/// </summary>
/// <param name="Address">Start of the area in the shared memory.</param>
/// <param name="Bytes">Its length (a host zeroes it before a run).</param>
/// <param name="HeaderBytes">Bytes of one worker's header.</param>
/// <param name="RecordBytes">Bytes of one site's record for one worker.</param>
/// <param name="Sites">The phase sites in program order.</param>
public sealed record PhaseProfileInfo(
    [property: JsonPropertyName("address")] int Address,
    [property: JsonPropertyName("bytes")] int Bytes,
    [property: JsonPropertyName("header_bytes")] int HeaderBytes,
    [property: JsonPropertyName("record_bytes")] int RecordBytes,
    [property: JsonPropertyName("sites")] IReadOnlyList<PhaseSiteInfo> Sites);

/// <summary>One phase site of a phase-profile build.</summary>
/// <param name="Node">The node whose kernel holds it (a serial segment: its first and last nodes).</param>
/// <param name="Items">Items the phase splits.</param>
/// <param name="Chunks">Chunks it cuts them into.</param>
/// <param name="Repeat">Times the kernel runs it per run (a phase inside a loop).</param>
/// <param name="Serial">Whether it is a run of serial kernels (one chunk).</param>
public sealed record PhaseSiteInfo(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("repeat")] int Repeat,
    [property: JsonPropertyName("serial")] bool Serial);

/// <summary>A build with external weights: the weights file a host loads before the first run (docs/ABI.md).</summary>
/// <param name="File">The file's name, beside the module (<c>model.weights</c> for <c>model.wasm</c>).</param>
/// <param name="Address">Where its payload goes in linear memory (a multiple of 65536).</param>
/// <param name="Bytes">The payload's length.</param>
/// <param name="Checksum">The payload's checksum (<see cref="WeightsFile.Checksum"/>), 8 lower-case hex digits.</param>
public sealed record WeightsInfo(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("address")] long Address,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("checksum")] string Checksum);

/// <summary>The <c>wasmnn.meta</c> custom section: what a host needs to name and shape the buffers.</summary>
/// <param name="Format">Metadata format version (1).</param>
/// <param name="Model">Model (graph) name.</param>
/// <param name="Compiler">Compiler name and version.</param>
/// <param name="Inputs">Inputs in ABI index order.</param>
/// <param name="Outputs">Outputs in ABI index order.</param>
/// <param name="Operators">Distinct ONNX operators in the compiled graph (fused ones included), sorted.</param>
public sealed record ModelMetadata(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("compiler")] string Compiler,
    [property: JsonPropertyName("inputs")] IReadOnlyList<TensorInfo> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<TensorInfo> Outputs,
    [property: JsonPropertyName("operators")] IReadOnlyList<string> Operators)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    /// <summary>Present in the threads build (<c>wasmnn compile --threads N</c>): what a host needs to share its memory.</summary>
    [JsonPropertyName("threads"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ThreadsInfo? Threads { get; init; }

    /// <summary>Present in a build with external weights (<c>wasmnn compile --weights external</c>): where they go and how to check them.</summary>
    [JsonPropertyName("weights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WeightsInfo? Weights { get; init; }

    /// <summary>UTF-8 JSON bytes.</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>The metadata of a decoded module.</summary>
    /// <exception cref="FormatException">No or invalid <c>wasmnn.meta</c> section.</exception>
    public static ModelMetadata Read(WasmModule module)
    {
        var section = module.CustomSections.FirstOrDefault(s => s.Name == ModelAbi.MetadataSection)
            ?? throw new FormatException($"not a compiled model: the module has no '{ModelAbi.MetadataSection}' custom section");
        return Parse(section.Content.Span);
    }

    /// <summary>Parses the section's content.</summary>
    /// <exception cref="FormatException">Not valid metadata (the message says what is wrong).</exception>
    public static ModelMetadata Parse(ReadOnlySpan<byte> utf8)
    {
        var metadata = Deserialize<ModelMetadata>(utf8, s_json, $"the {ModelAbi.MetadataSection} section is not valid JSON");
        if (metadata is null || metadata.Inputs is null || metadata.Outputs is null)
        {
            throw new FormatException($"the {ModelAbi.MetadataSection} section lacks inputs or outputs");
        }
        foreach (var t in metadata.Inputs.Concat(metadata.Outputs))
        {
            if (t.Name is null || t.Shape is null || Array.Exists(t.Shape, d => d < 0))
            {
                throw new FormatException($"the {ModelAbi.MetadataSection} section has a tensor without a name or static shape");
            }
            _ = TensorInfo.DataTypeOf(t.DType);
            if (t.IsString != t.StringBytes is not null || t.StringBytes < 0)
            {
                throw new FormatException($"the {ModelAbi.MetadataSection} section gives '{t.Name}' {(t.IsString ? "no valid string_bytes" : "string_bytes but it is not a string")}");
            }
            if (t.RuntimeDims is { } axes && axes.Any(a => a < 0 || a >= t.Shape.Length))
            {
                throw new FormatException($"the {ModelAbi.MetadataSection} section gives '{t.Name}' a run-time axis outside its rank");
            }
        }
        return metadata;
    }

    /// <summary>JSON of the ABI's files and sections; invalid JSON is a <see cref="FormatException"/> starting with <paramref name="problem"/>.</summary>
    internal static T? Deserialize<T>(ReadOnlySpan<byte> utf8, JsonSerializerOptions options, string problem)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{problem}: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Encoding.UTF8.GetString(ToUtf8());
}
