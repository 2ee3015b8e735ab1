using System.CommandLine;
using WasmNN.Compiler.IO;
using WasmNN.Kernels;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn kernels -o wasm_ops.wasm</c>: writes the kernel library (docs/KERNELS.md), its operator table in the
/// <c>wasmnn.ops</c> custom section, for frontends outside this process (the npm package's <c>ops</c>).
/// </summary>
internal static class KernelsCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "The .wasm file to write", Required = true };
        var command = new Command("kernels", "Write the kernel library wasm_ops.wasm (shape-generic SIMD128 operators, operator table included)") { output };
        command.SetAction(r => Run(r.GetValue(output)!));
        return command;
    }

    private static int Run(string path)
    {
        if (CommandLineFiles.CheckOutputFile(path, "kernel library") is { } usage)
        {
            return Report.Error(ExitCodes.Usage, usage);
        }
        var bytes = KernelLibrary.Generate();
        try
        {
            AtomicFile.Write(path, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Report.Error(ExitCodes.Usage, $"cannot write {path}: {e.Message}");
        }
        Console.WriteLine($"{path}: {KernelCatalog.All.Length} kernels, {CompileCommand.Bytes(bytes.Length)}");
        return 0;
    }
}
