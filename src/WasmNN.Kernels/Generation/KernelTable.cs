using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// The operator table carried by <c>wasmnn_ops.wasm</c> in its <c>wasmnn.ops</c> custom section (UTF-8 JSON), written
/// from <see cref="KernelCatalog.All"/>: a frontend in another language (the npm package's <c>ops</c>) binds by it
/// instead of repeating the catalog.
/// </summary>
internal static class KernelTable
{
    /// <summary>The custom section's name.</summary>
    public const string SectionName = "wasmnn.ops";

    private sealed record Row(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("operation")] string Operation,
        [property: JsonPropertyName("input")] string Input,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("parameters")] ImmutableArray<string> Parameters,
        [property: JsonPropertyName("semantics")] string Semantics);

    private sealed record Table(
        [property: JsonPropertyName("format")] int Format,
        [property: JsonPropertyName("library")] string Library,
        [property: JsonPropertyName("kernels")] IReadOnlyList<Row> Kernels);

    public static byte[] ToUtf8(ImmutableArray<KernelDefinition> kernels) => JsonSerializer.SerializeToUtf8Bytes(new Table(1, "wasmnn_ops",
        [.. kernels.Select(k => new Row(k.Name, k.Operation, k.InputType.DTypeName(), k.OutputType.DTypeName(), k.Parameters, k.Semantics))]));
}
