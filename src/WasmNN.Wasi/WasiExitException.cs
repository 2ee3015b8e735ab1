namespace WasmNN.Wasi;

/// <summary>
/// Thrown by <c>proc_exit</c> to unwind the guest: not an error, the normal way a WASI command ends with a
/// status. Engines let it pass through guest frames; the runner turns it into the exit code.
/// </summary>
public sealed class WasiExitException : Exception
{
    /// <summary>Creates the exception for exit status <paramref name="exitCode"/>.</summary>
    public WasiExitException(int exitCode) : base($"guest exited with status {exitCode}") => ExitCode = exitCode;

    /// <summary>Creates the exception for status 0.</summary>
    public WasiExitException() : this(0) { }

    /// <summary>Creates the exception with a message (status 0).</summary>
    public WasiExitException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause (status 0).</summary>
    public WasiExitException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The status the guest passed to <c>proc_exit</c>.</summary>
    public int ExitCode { get; }
}
