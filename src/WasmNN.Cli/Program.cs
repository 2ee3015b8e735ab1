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
        return root.Parse(args).Invoke();
    }
}
