namespace WasmNN.Wasm.Tests.Spec;

/// <summary>wabt's assembler as an independent source of binary modules.</summary>
public static class WabtTools
{
    public static byte[] Assemble(string wat, params string[] options)
    {
        var dir = Directory.CreateTempSubdirectory("wasmnn-wat");
        try
        {
            var input = Path.Combine(dir.FullName, "m.wat");
            var outputPath = Path.Combine(dir.FullName, "m.wasm");
            File.WriteAllText(input, wat);
            if (ExternalTool.Run("wat2wasm", [.. options, "--debug-names", input, "-o", outputPath]) is null)
            {
                throw new InvalidOperationException("wat2wasm (wabt) failed or is not installed");
            }
            return File.ReadAllBytes(outputPath);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static bool Validates(byte[] wasm, params string[] options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"wasmnn-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(path, wasm);
        try
        {
            return ExternalTool.Run("wasm-validate", [.. options, path]) is not null;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
