using System.Text.Json;
using System.Text.Json.Serialization;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Compiler.Abi;

/// <summary>One build of a model in a <see cref="ModelVariants"/> manifest.</summary>
/// <param name="Name">The variant's name: <c>relaxed-simd</c>, <c>simd128</c> or <c>scalar</c>.</param>
/// <param name="File">The module's file name, relative to the manifest.</param>
/// <param name="Features">The WebAssembly proposals the module needs a host to support (<c>simd128</c>, <c>relaxed-simd</c>).</param>
/// <param name="Bytes">The module's size.</param>
public sealed record ModelVariant(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("features")] IReadOnlyList<string> Features,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>
/// The variants manifest <c>MODEL.variants.json</c> that <c>wasmnn compile --variants</c> writes beside the modules:
/// the same graph built for hosts with relaxed SIMD, with SIMD128 and without SIMD, best first. A host takes the
/// first variant whose features it supports (docs/WEB.md).
/// </summary>
/// <param name="Format">Manifest format version (1).</param>
/// <param name="Model">The model's name.</param>
/// <param name="Variants">The builds, best first; the last needs no feature.</param>
public sealed record ModelVariants(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("variants")] IReadOnlyList<ModelVariant> Variants)
{
    /// <summary>The manifest's file name ending (the module <c>m.wasm</c> gets <c>m.variants.json</c>).</summary>
    public const string Extension = ".variants.json";

    /// <summary>
    /// The builds, best first: name, file-name ending, features and the lowering switches. The one table the
    /// compiler, the manifest and every host's choice derive from.
    /// </summary>
    public static IReadOnlyList<(string Name, string FileEnding, Feature Features, bool Simd, bool RelaxedSimd)> Builds { get; } =
    [
        ("relaxed-simd", ".relaxed.wasm", Feature.Simd | Feature.RelaxedSimd, true, true),
        // The SIMD128 build keeps the plain name: a host that knows nothing of manifests loads the common case.
        ("simd128", ".wasm", Feature.Simd, true, false),
        ("scalar", ".scalar.wasm", Feature.Mvp, false, false),
    ];

    /// <summary>The proposal names a manifest uses, as wasm-feature-detect and the proposals' repositories spell them.</summary>
    private static readonly (Feature Feature, string Name)[] s_featureNames =
    [
        (Feature.Simd, "simd128"),
        (Feature.RelaxedSimd, "relaxed-simd"),
        (Feature.Threads, "threads"),
    ];

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>The manifest's path for the SIMD128 module's path <paramref name="wasmPath"/>.</summary>
    public static string ManifestPath(string wasmPath) => Path.ChangeExtension(wasmPath, null) + Extension;

    /// <summary>The module path of a build named by its file-name ending, beside <paramref name="wasmPath"/>.</summary>
    public static string VariantPath(string wasmPath, string fileEnding) => Path.ChangeExtension(wasmPath, null) + fileEnding;

    /// <summary>The manifest names of the proposals in <paramref name="features"/>.</summary>
    public static IReadOnlyList<string> FeatureNames(Feature features) =>
        [.. s_featureNames.Where(f => (features & f.Feature) != 0).Select(f => f.Name)];

    /// <summary>
    /// The first variant every one of whose features is in <paramref name="supported"/>; null when none fits (a
    /// manifest always ends with a build that needs none, so null means the manifest was edited).
    /// </summary>
    public ModelVariant? Best(Feature supported) =>
        Variants.FirstOrDefault(v => v.Features.All(name => s_featureNames.Any(f => f.Name == name && (supported & f.Feature) == f.Feature)));

    /// <summary>UTF-8 JSON bytes, indented.</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>True when <paramref name="bytes"/> look like a manifest (JSON) rather than a module (<c>\0asm</c>).</summary>
    public static bool LooksLikeManifest(ReadOnlySpan<byte> bytes)
    {
        var start = bytes.TrimStart(" \t\r\n"u8);
        return start.Length > 0 && start[0] == (byte)'{';
    }

    /// <summary>Parses a manifest.</summary>
    /// <exception cref="FormatException">Not a valid manifest (the message says what is wrong).</exception>
    public static ModelVariants Parse(ReadOnlySpan<byte> utf8)
    {
        var manifest = ModelMetadata.Deserialize<ModelVariants>(utf8, s_json, "not a valid variants manifest");
        if (manifest?.Variants is not { Count: > 0 } variants)
        {
            throw new FormatException("not a valid variants manifest: it lists no variants");
        }
        foreach (var v in variants)
        {
            // A file name only: a manifest must not send a host to another folder.
            if (v.File is null || v.File.Length == 0 || v.File != Path.GetFileName(v.File) || v.File is "." or ".." || v.Features is null)
            {
                throw new FormatException($"not a valid variants manifest: variant '{v.Name}' needs a plain file name and a feature list");
            }
        }
        return manifest;
    }
}
