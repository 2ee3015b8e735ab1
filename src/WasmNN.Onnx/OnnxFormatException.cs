namespace WasmNN.Onnx;

/// <summary>An ONNX file or message is malformed, truncated or refers to data that cannot be read.</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public OnnxFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the underlying parse or I/O failure.</summary>
    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message (for serializers).</summary>
    public OnnxFormatException() { }
}
