using System.Diagnostics;
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
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(script);
        using var node = Process.Start(start)!;
        node.StandardInput.Write(JsonSerializer.Serialize(input));
        node.StandardInput.Close();
        var errors = node.StandardError.ReadToEndAsync();
        string output = node.StandardOutput.ReadToEnd();
        node.WaitForExit();
        Assert.True(node.ExitCode == 0, errors.Result);
        return JsonDocument.Parse(output).RootElement;
    }
}
