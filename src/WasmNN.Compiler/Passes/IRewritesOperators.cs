namespace WasmNN.Compiler.Passes;

/// <summary>
/// A pass that replaces every node of some operators by others, so those operators compile without a kernel of their
/// own (`wasmnn ops` lists them with the pass).
/// </summary>
public interface IRewritesOperators
{
    /// <summary>The ONNX op_types this pass removes from the graph.</summary>
    IReadOnlyList<string> RewrittenOpTypes { get; }
}
