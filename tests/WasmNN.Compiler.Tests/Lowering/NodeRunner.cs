using System.Runtime.InteropServices;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>Runs a compiled model on Node's V8 with run-model.mjs: an independent WebAssembly engine.</summary>
internal static class NodeRunner
{
    public static bool IsAvailable => File.Exists(NodePath);

    private static string NodePath => "/usr/bin/node";

    /// <summary>Writes the module and inputs to a temporary folder, runs Node and returns each output's floats.</summary>
    public static float[][] Run(byte[] wasm, IReadOnlyList<float[]> inputs, int outputCount)
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-node-");
        try
        {
            var wasmPath = Path.Combine(folder.FullName, "model.wasm");
            File.WriteAllBytes(wasmPath, wasm);
            var inputPaths = inputs.Select((data, i) =>
            {
                var path = Path.Combine(folder.FullName, $"input{i}.f32");
                File.WriteAllBytes(path, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
                return path;
            }).ToList();
            var result = ProcessRunner.Run(NodePath, [Path.Combine(AppContext.BaseDirectory, "Lowering", "run-model.mjs"), wasmPath, folder.FullName, .. inputPaths]);
            Assert.True(result.ExitCode == 0, "node failed: " + result.Stderr);
            return [.. Enumerable.Range(0, outputCount).Select(i =>
                MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder.FullName, $"output{i}.f32"))).ToArray())];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
