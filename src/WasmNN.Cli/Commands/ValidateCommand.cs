using System.CommandLine;
using WasmNN.Wasm;
using WasmNN.Wasm.Printing;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Validation;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn validate FILE</c> decodes and validates a module; <c>wasmnn print FILE</c> also prints it as WAT-like text.
/// A malformed or invalid module is reported in one line naming the section and byte offset, exit code 1.
/// </summary>
internal static class ValidateCommand
{
    public static Command CreateValidate()
    {
        var file = new Argument<string>("module") { Description = "The .wasm file" };
        var command = new Command("validate", "Decode and validate a WebAssembly module") { file };
        command.SetAction(result => Run(result.GetValue(file)!, print: false));
        return command;
    }

    public static Command CreatePrint()
    {
        var file = new Argument<string>("module") { Description = "The .wasm file" };
        var command = new Command("print", "Print a WebAssembly module as WAT-like text (for debugging)") { file };
        command.SetAction(result => Run(result.GetValue(file)!, print: true));
        return command;
    }

    private static int Run(string path, bool print)
    {
        if (CommandLineFiles.TryReadAllBytes(path, "module", out var error) is not { } bytes)
        {
            return Report.Error(ExitCodes.Usage, error!);
        }
        try
        {
            var module = ModuleReader.Read(bytes);
            ModuleValidator.Validate(module);
            if (print) Console.Write(WatPrinter.Print(module));
            else Console.WriteLine($"{path}: valid ({module.Types.Count} types, {module.ImportedFunctionCount} imported and {module.Codes.Count} defined functions, {module.Exports.Count} exports)");
            return 0;
        }
        catch (WasmFormatException e)
        {
            return Report.Error(ExitCodes.Invalid, $"{path}: {e.Message}");
        }
    }
}
