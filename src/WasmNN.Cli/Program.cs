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
        root.Add(Commands.OnnxTestCommand.Create());
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Every expected failure is reported by its verb; this is the safety net for a bug: one line, no
            // stack trace on the user's screen, a distinct exit code.
            Console.Error.WriteLine($"wasmnn: internal error ({e.GetType().Name}): {e.Message}");
            return 70;
        }
    }
}
