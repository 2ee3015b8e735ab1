namespace WasmNN.Compiler.IR;

/// <summary>
/// An operator with string outputs: it bounds the UTF-8 bytes each string output can take (its buffer's capacity,
/// <see cref="StringTensorLayout"/>) from its inputs, whose <see cref="Value.StringBytes"/> are assigned first.
/// </summary>
public interface IStringOutputOperator
{
    /// <summary>The capacity in UTF-8 bytes that string output <paramref name="index"/> needs.</summary>
    /// <exception cref="OperatorException">No bound exists (the message says why).</exception>
    int OutputStringBytes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index);
}
