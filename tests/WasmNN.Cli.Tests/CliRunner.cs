namespace WasmNN.Cli.Tests;

/// <summary>Runs the real <c>wasmnn</c> tool (wasmnn.dll beside the test assembly) in a child process.</summary>
internal static class CliRunner
{
    public static ProcessOutput Run(params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "wasmnn.dll"), .. args]);
}
