namespace WasmNN.Compiler.IR;

/// <summary>
/// What a value holds. Sequences and optionals exist only between import and the ResolveSequences pass, which turns
/// each into the tensors it is made of; the backend sees tensors alone.
/// </summary>
public enum ValueKind
{
    /// <summary>A tensor (<see cref="Value.ElementType"/>, <see cref="Value.Shape"/>).</summary>
    Tensor,
    /// <summary>An ONNX sequence of tensors of <see cref="Value.ElementType"/>; <see cref="Value.Shape"/> is the elements' shape where all share one.</summary>
    Sequence,
    /// <summary>An ONNX optional that is empty or holds a tensor.</summary>
    OptionalTensor,
    /// <summary>An ONNX optional that is empty or holds a sequence.</summary>
    OptionalSequence,
}
