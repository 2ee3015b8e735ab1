namespace WasmNN.Engine;

/// <summary>A valid module the engine cannot compile (e.g. an instruction it does not support yet).</summary>
public sealed class WasmCompileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WasmCompileException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
