namespace WasmNN.Cli;

/// <summary>
/// The tool's exit statuses, one table for every verb (README, "Exit codes"). A WASI program run by
/// <c>wasmnn run</c> exits with its own status instead (docs/WASI.md).
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The model or module is invalid (malformed, unsupported, traps), or a test run had failures.</summary>
    public const int Invalid = 1;

    /// <summary>The command line is wrong, or a file it names cannot be read, is not what it should be, or cannot be written.</summary>
    public const int Usage = 2;

    /// <summary>A bug in wasmnn: the safety net caught an exception no verb expected.</summary>
    public const int InternalError = 70;
}

/// <summary>Errors as the house rules promise them: one line on stderr, <c>wasmnn: </c> first, and an exit status.</summary>
internal static class Report
{
    /// <summary>Prints <paramref name="message"/> on one line and returns <paramref name="exitCode"/>.</summary>
    public static int Error(int exitCode, string message)
    {
        Console.Error.WriteLine($"wasmnn: {OneLine(message)}");
        return exitCode;
    }

    /// <summary>Joins a multi-line message (as some .NET exceptions have) into one line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
