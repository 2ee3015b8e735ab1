namespace WasmNN.Kernels.Tests;

/// <summary>Runs an ES module script on Node beside a freshly generated <c>wasmnn_ops.wasm</c>, in a temporary folder.</summary>
internal static class NodeScript
{
    /// <summary>
    /// Writes the library and <paramref name="script"/>, runs <c>node run.mjs</c> with the arguments
    /// <paramref name="arguments"/> makes from the library's path, feeding <paramref name="standardInput"/>.
    /// </summary>
    public static ProcessOutput RunWithLibrary(string script, string standardInput, Func<string, string[]> arguments)
    {
        var directory = Directory.CreateTempSubdirectory("wasmnn-kernels-node");
        try
        {
            var wasm = Path.Combine(directory.FullName, "wasmnn_ops.wasm");
            var path = Path.Combine(directory.FullName, "run.mjs");
            File.WriteAllBytes(wasm, KernelLibrary.Generate());
            File.WriteAllText(path, script);
            return ProcessRunner.Run("node", [path, .. arguments(wasm)], standardInput);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
