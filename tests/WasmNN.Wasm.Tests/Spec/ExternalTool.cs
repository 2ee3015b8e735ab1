namespace WasmNN.Wasm.Tests.Spec;

/// <summary>Runs a wabt tool (independent reference) and returns its standard output, or null when it fails or is not installed.</summary>
public static class ExternalTool
{
    public static string? Run(string tool, params string[] arguments)
    {
        try
        {
            var result = ProcessRunner.Run(tool, arguments);
            return result.ExitCode == 0 ? result.Stdout : null;
        }
        catch (InvalidOperationException)
        {
            return null; // not installed: callers count what they compared and fail when it is nothing
        }
    }
}
