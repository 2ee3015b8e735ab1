using System.Runtime.InteropServices;
using System.Text.Json;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>Runs a compiled model on Node's V8 with run-model.mjs: an independent WebAssembly engine.</summary>
internal static class NodeRunner
{
    public static bool IsAvailable => File.Exists(NodePath);

    private static string NodePath => "/usr/bin/node";

    /// <summary>Runs a float32 model: each input's floats in, each output's floats out.</summary>
    public static float[][] Run(byte[] wasm, IReadOnlyList<float[]> inputs, int outputCount) =>
        [.. RunBytes(wasm, [.. inputs.Select(data => MemoryMarshal.AsBytes(data.AsSpan()).ToArray())], outputCount)
            .Select(bytes => MemoryMarshal.Cast<byte, float>(bytes).ToArray())];

    /// <summary>Writes the module and raw inputs (each in its input's dtype) to a temporary folder, runs Node and returns each output's bytes.</summary>
    public static byte[][] RunBytes(byte[] wasm, IReadOnlyList<byte[]> inputs, int outputCount) =>
        [.. RunOutputs(wasm, inputs, outputCount).Select(o => o.Bytes)];

    /// <summary>As <see cref="RunBytes"/>, with the shape each output has after the run (outputs of run-time length included).</summary>
    public static (byte[] Bytes, int[] Shape)[] RunOutputs(byte[] wasm, IReadOnlyList<byte[]> inputs, int outputCount)
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-node-");
        try
        {
            var wasmPath = Path.Combine(folder.FullName, "model.wasm");
            File.WriteAllBytes(wasmPath, wasm);
            var inputPaths = inputs.Select((data, i) =>
            {
                var path = Path.Combine(folder.FullName, $"input{i}.bin");
                File.WriteAllBytes(path, data);
                return path;
            }).ToList();
            var result = ProcessRunner.Run(NodePath, [Path.Combine(AppContext.BaseDirectory, "Lowering", "run-model.mjs"), wasmPath, folder.FullName, .. inputPaths]);
            Assert.True(result.ExitCode == 0, "node failed: " + result.Stderr);
            return [.. Enumerable.Range(0, outputCount).Select(i => (
                File.ReadAllBytes(Path.Combine(folder.FullName, $"output{i}.bin")),
                JsonSerializer.Deserialize<int[]>(File.ReadAllText(Path.Combine(folder.FullName, $"output{i}.shape.json")))!))];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
