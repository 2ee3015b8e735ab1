using System.Diagnostics;

namespace WasmNN.Wasm.Tests.Spec;

/// <summary>Runs a wabt tool (independent reference) and returns its standard output, or null when it is not installed.</summary>
public static class ExternalTool
{
    public static string? Run(string tool, params string[] arguments)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
