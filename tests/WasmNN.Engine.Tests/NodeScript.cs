using System.Text.Json;

namespace WasmNN.Engine.Tests;

/// <summary>
/// Runs a JavaScript snippet under Node (V8, the independent engine the tests compare against) with a JSON value on
/// its stdin, and parses the one JSON line it prints.
/// </summary>
internal static class NodeScript
{
    public static JsonElement Run(string script, object input)
    {
        var result = ProcessRunner.Run("node", ["-e", script], JsonSerializer.Serialize(input));
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }
}
