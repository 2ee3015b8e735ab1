using System.CommandLine;

namespace WasmNN.Cli;

/// <summary>The <c>wasmnn</c> command line: wiring only, each verb calls into a library.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("wasmnn: deep-learning models as standalone WebAssembly");
        root.Add(Commands.SpecTestCommand.Create());
        root.Add(Commands.RunCommand.Create());
        root.Add(Commands.ValidateCommand.CreateValidate());
        root.Add(Commands.ValidateCommand.CreatePrint());
        root.Add(Commands.ZooCommand.Create());
        root.Add(Commands.CompileCommand.Create());
        root.Add(Commands.InspectCommand.Create());
        root.Add(Commands.OpsCommand.Create());
        root.Add(Commands.KernelsCommand.Create());
        root.Add(Commands.OnnxTestCommand.Create());
        root.Add(Commands.ServeCommand.Create());
        root.Add(Commands.QuantizeCommand.Create());
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                // One line for a mistyped command line, not the error list followed by the whole help text.
                var command = parsed.CommandResult.Command is RootCommand ? "wasmnn" : $"wasmnn {parsed.CommandResult.Command.Name}";
                // A stray word explains "required command was not provided" better than that message does.
                var error = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
                return Report.Error(ExitCodes.Usage, $"{error.Message} (see '{command} --help')");
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Every expected failure is reported by its verb; this is the safety net for a bug: one line, no
            // stack trace on the user's screen, a distinct exit code.
            return Report.Error(ExitCodes.InternalError, $"internal error ({e.GetType().Name}): {e.Message}");
        }
    }
}
