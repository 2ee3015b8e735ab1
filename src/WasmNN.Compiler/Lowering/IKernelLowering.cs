using WasmNN.CodeGen;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// Lowers the nodes of one or more ONNX operators to a wasm kernel function specialised for the node's static
/// shapes and buffer addresses, and tells the memory planner what the kernel needs.
/// </summary>
internal interface IKernelLowering
{
    /// <summary>The ONNX op types this lowering handles.</summary>
    IEnumerable<string> OpTypes { get; }

    /// <summary>
    /// False when the node's element types belong to another kernel of the same op type (float32 Add to the
    /// vectorised elementwise kernel, int64 Add to the typed one), so that kernel's reason is the one reported.
    /// </summary>
    bool Covers(Node node) => true;

    /// <summary>
    /// True for a kernel of string tensors (<see cref="StringTensorLayout"/>): a node with a string input or output
    /// goes only to such kernels, every other kernel assumes fixed-width elements.
    /// </summary>
    bool TakesStrings => false;

    /// <summary>Null when the node can be lowered, else why not (a variant, a data type...).</summary>
    string? Unsupported(Node node);

    /// <summary>The input whose buffer output 0 may alias without a copy (views), or null.</summary>
    Value? ViewSource(Node node) => null;

    /// <summary>Inputs whose buffer the kernel may overwrite with output 0.</summary>
    IEnumerable<Value> InPlaceInputs(Node node) => [];

    /// <summary>Scratch bytes the kernel needs while it runs.</summary>
    long ScratchBytes(Node node, LoweringOptions options) => 0;

    /// <summary>Emits the kernel body (a function with no parameters and no results) for <paramref name="node"/>.</summary>
    void Emit(Node node, LoweringContext context, FunctionBuilder w);
}
