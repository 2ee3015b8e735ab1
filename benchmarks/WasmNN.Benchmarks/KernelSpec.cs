using System.Text.Json;
using System.Text.Json.Serialization;

namespace WasmNN.Benchmarks;

/// <summary>kernels.json: what every harness runs, on which memory, and how the result is checked.</summary>
internal sealed record BenchmarkSpec(
    [property: JsonPropertyName("fillBytes")] int FillBytes,
    [property: JsonPropertyName("kernels")] IReadOnlyList<KernelSpec> Kernels)
{
    public static BenchmarkSpec Load(string path) =>
        JsonSerializer.Deserialize<BenchmarkSpec>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty");

    /// <summary>The input pattern every harness writes: f32 ((i * 7) % 23) * 0.125 - 1.</summary>
    public static float FillValue(int index) => (index * 7 % 23) * 0.125f - 1f;
}

/// <summary>One kernel: a wasm export, its arguments ("reps" stands for the repetition count) and its work.</summary>
internal sealed record KernelSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("wasm")] string Wasm,
    [property: JsonPropertyName("export")] string Export,
    [property: JsonPropertyName("args")] IReadOnlyList<JsonElement> Args,
    [property: JsonPropertyName("reps")] int Reps,
    [property: JsonPropertyName("flopsPerRep")] long FlopsPerRep,
    [property: JsonPropertyName("fillOffset")] int FillOffset = 0,
    [property: JsonPropertyName("relaxed")] bool Relaxed = false,
    [property: JsonPropertyName("peer")] string? Peer = null,
    [property: JsonPropertyName("output")] OutputSpec? Output = null)
{
    /// <summary>The numeric arguments with "reps" replaced by <paramref name="reps"/>.</summary>
    public double[] Arguments(int reps) =>
        [.. Args.Select(a => a.ValueKind == JsonValueKind.String ? reps : a.GetDouble())];
}

/// <summary>The floats summed into the checksum.</summary>
internal sealed record OutputSpec(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("floats")] int Floats);

/// <summary>One engine's result for one kernel: GFLOP/s and checksum, or why it could not run.</summary>
internal sealed record KernelResult(string Name, double Gflops, double Checksum, string? Error = null);
