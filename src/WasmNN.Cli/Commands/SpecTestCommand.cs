using System.CommandLine;
using WasmNN.Engine.SpecTesting;

namespace WasmNN.Cli.Commands;

/// <summary><c>wasmnn spectest DIR</c>: runs the WebAssembly spec suite (wabt JSON) on the engine.</summary>
internal static class SpecTestCommand
{
    // Deep-recursion tests should hit the engine's call-depth limit, not the thread's default 1-8 MB stack.
    private const int StackBytes = 256 * 1024 * 1024;

    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A folder of wast2json output (searched recursively) or one .json script" };
        var verbose = new Option<bool>("--verbose") { Description = "List every skipped assertion, not only the count per reason" };
        var command = new Command("spectest", "Run WebAssembly spec-test scripts (wabt JSON) and print pass/fail/skip counts") { path, verbose };
        command.SetAction(result => Run(result.GetValue(path)!, result.GetValue(verbose)));
        return command;
    }

    private static int Run(string path, bool verbose)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return Report.Error(ExitCodes.Usage, $"{(path.Length == 0 ? "the path is empty" : $"{path}: no such file or folder")}");
        }
        IReadOnlyList<SpecFileResult> results = [];
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                var runner = new SpecTestRunner();
                results = Directory.Exists(path)
                    ? runner.RunDirectory(path, r => Console.WriteLine($"{r.Name}: {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped"))
                    : [runner.RunFile(path)];
            }
            catch (Exception e)
            {
                crash = e;
            }
        }, StackBytes);
        thread.Start();
        thread.Join();
        if (crash is not null)
        {
            return crash is IOException or UnauthorizedAccessException
                ? Report.Error(ExitCodes.Usage, crash.Message)
                : Report.Error(ExitCodes.InternalError, $"internal error ({crash.GetType().Name}): {crash.Message}");
        }
        var failures = results.SelectMany(r => r.Failures).ToList();
        if (failures.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Failures:");
            foreach (var failure in failures) Console.WriteLine($"  {failure}");
        }
        var skips = results.SelectMany(r => r.Skips).ToList();
        if (skips.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Skipped:");
            if (verbose)
            {
                foreach (var skip in skips) Console.WriteLine($"  {skip}");
            }
            else
            {
                foreach (var group in skips.GroupBy(s => s.Reason)) Console.WriteLine($"  {group.Count()} x {group.Key}");
            }
        }
        Console.WriteLine($"{results.Sum(r => r.Passed)} passed, {failures.Count} failed, {skips.Count} skipped");
        return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Invalid;
    }
}
