namespace WasmNN.Cli.Tests;

/// <summary>Runs the real <c>wasmnn</c> tool (wasmnn.dll beside the test assembly) in a child process.</summary>
internal static class CliRunner
{
    public static ProcessOutput Run(params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "wasmnn.dll"), .. args]);

    /// <summary>Runs the tool with <paramref name="workingDirectory"/> as its current directory.</summary>
    public static ProcessOutput RunIn(string workingDirectory, params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "wasmnn.dll"), .. args], workingDirectory: workingDirectory);

    /// <summary>
    /// The house rule for bad input: the documented exit code and exactly one line on stderr that starts with
    /// "wasmnn: " and holds each of <paramref name="mentions"/>; no stack trace, no internal error.
    /// </summary>
    public static string AssertCleanError(ProcessOutput result, int exitCode, params string[] mentions)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{result.Stderr}");
        var line = lines[0];
        Assert.StartsWith("wasmnn: ", line);
        Assert.DoesNotContain("internal error", line);
        foreach (var mention in mentions) Assert.Contains(mention, line);
        Assert.True(exitCode == result.ExitCode, $"exit code {result.ExitCode}, expected {exitCode}: {line}");
        return line;
    }

    /// <summary>The file names under <paramref name="directory"/>, to show that a failed command wrote nothing.</summary>
    public static string[] Files(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).Order()];
}
