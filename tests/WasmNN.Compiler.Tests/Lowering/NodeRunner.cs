using System.Diagnostics;
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
            var start = new ProcessStartInfo(NodePath) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Lowering", "run-model.mjs"));
            start.ArgumentList.Add(wasmPath);
            start.ArgumentList.Add(folder.FullName);
            foreach (var p in inputPaths)
            {
                start.ArgumentList.Add(p);
            }
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "node failed: " + stderr.Result);
            return [.. Enumerable.Range(0, outputCount).Select(i =>
                MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder.FullName, $"output{i}.f32"))).ToArray())];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
