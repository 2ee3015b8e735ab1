using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Tests.RealModels;

/// <summary>onnxruntime-node (benchmarks/models/node_modules), the reference runtime, in a child process via run-ort.mjs.</summary>
internal static class OnnxRuntimeNode
{
    /// <summary>Every output of the model on onnxruntime-node for the given inputs (written as .npy for run-ort.mjs).</summary>
    public static List<Tensor> Run(string model, IReadOnlyList<(string Name, Tensor Value)> inputs)
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-ort-");
        try
        {
            var arguments = new List<string> { Path.Combine(AppContext.BaseDirectory, "RealModels", "run-ort.mjs"),
                Path.Combine(RepositoryPaths.Root, "benchmarks", "models", "node_modules"), model, folder.FullName };
            foreach (var (name, value) in inputs)
            {
                var npy = Path.Combine(folder.FullName, $"input{arguments.Count}.npy");
                Npy.Write(npy, value);
                arguments.Add($"{name}={npy}");
            }
            var result = ProcessRunner.Run("node", arguments);
            Assert.True(result.ExitCode == 0, "onnxruntime-node failed: " + result.Stderr);
            return [.. Enumerable.Range(0, 16).Select(i => Path.Combine(folder.FullName, $"{i}.npy")).TakeWhile(File.Exists).Select(Npy.Read)];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

}
