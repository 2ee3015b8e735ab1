namespace WasmNN.Compiler.IO;

/// <summary>
/// A .npy file does not follow the format (bad magic, unknown version, malformed header, size that does not match
/// the file) or holds an array this reader does not support. The message names the file and the byte offset.
/// </summary>
public sealed class NpyFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file, the byte offset and the problem.</summary>
    public NpyFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the underlying failure.</summary>
    public NpyFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message (for serializers).</summary>
    public NpyFormatException() { }
}
