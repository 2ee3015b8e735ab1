using System.Diagnostics;

namespace WasmNN.Tests;

/// <summary>What a finished process (or guest) produced.</summary>
public sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a tool the tests drive or compare against (node, clang, wabt, the wasmnn CLI): stdin written, both output
/// streams read concurrently (neither pipe can fill and stall the child), and a hard time limit after which the
/// whole process tree is killed. Compiled into every test project (Directory.Build.props).
/// </summary>
internal static class ProcessRunner
{
    public static ProcessOutput Run(string fileName, IEnumerable<string> arguments, string stdin = "", TimeSpan? timeout = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // A null value removes the variable from the child's environment.
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        using var process = Start(info);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish");
        }
        process.WaitForExit();
        return new ProcessOutput(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Process Start(ProcessStartInfo info)
    {
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{info.FileName} is not installed ({e.Message}); scripts/test.sh installs the tools the tests need", e);
        }
    }
}
