namespace WasmNN.Engine.Tests;

/// <summary>Assembles text-format modules with wabt's wat2wasm, an independent source of real binaries.</summary>
internal static class Wat
{
    public static byte[] Assemble(string wat)
    {
        var dir = Directory.CreateTempSubdirectory("wasmnn-engine-wat");
        try
        {
            var input = Path.Combine(dir.FullName, "m.wat");
            var output = Path.Combine(dir.FullName, "m.wasm");
            File.WriteAllText(input, wat);
            var result = ProcessRunner.Run("wat2wasm", ["--debug-names", "--enable-threads", "--enable-relaxed-simd", input, "-o", output]);
            if (result.ExitCode != 0) throw new InvalidOperationException($"wat2wasm failed: {result.Stderr}");
            return File.ReadAllBytes(output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Compiles <paramref name="wat"/> with <paramref name="engine"/> and instantiates it with <paramref name="linker"/> (or an empty one).</summary>
    public static Instance Instantiate(Engine engine, string wat, Linker? linker = null) =>
        (linker ?? new Linker(engine)).Instantiate(engine.Compile(Assemble(wat)));
}
