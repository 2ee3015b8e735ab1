namespace WasmNN.Compiler.IR;

/// <summary>
/// A dimension whose length is known only when the model runs (the number of nonzeros, of selected boxes...), with
/// the maximum it can reach. A value with such a dimension has a buffer sized for <see cref="Maximum"/> and holds its
/// data in the leading corner of that buffer (row-major strides of the maximum shape, so kernels that keep positions
/// along the dimension run unchanged on it); the producing kernel writes the actual length to a slot in memory, and
/// every value whose dimension comes from the same producer shares the same <see cref="RuntimeLength"/> (by identity).
/// </summary>
/// <param name="maximum">The largest length a run can report.</param>
/// <param name="origin">The producing node, for diagnostics ("NonZero 'n1'").</param>
public sealed class RuntimeLength(int maximum, string origin)
{
    /// <summary>The largest length a run can report: the size of the dimension in the value's buffer.</summary>
    public int Maximum { get; } = maximum;

    /// <summary>The producing node, for diagnostics.</summary>
    public string Origin { get; } = origin;

    /// <inheritdoc/>
    public override string ToString() => $"<= {Maximum} from {Origin}";
}

/// <summary>An output shape at its maximum, with the dimensions whose actual length the run reports.</summary>
/// <param name="Maximum">The shape of the output's buffer.</param>
/// <param name="RuntimeAxes">The axes whose length is known only at run time.</param>
/// <param name="LengthPerAxis">
/// False: the run-time axes share the node's one length (NonZero's count); true: each has a length of its own, at
/// most its maximum (Slice with run-time bounds).
/// </param>
public sealed record BoundedShape(int[] Maximum, int[] RuntimeAxes, bool LengthPerAxis = false);

/// <summary>
/// An operator whose output lengths depend on the data (NonZero, Compress, NonMaxSuppression, TopK with a run-time k):
/// it proves a maximum for each output from the static input shapes, and its kernel reports the actual length.
/// </summary>
public interface IBoundedOutputOperator
{
    /// <summary>
    /// Each output's maximum shape and run-time axes, or null when the node's output lengths are already static
    /// (constant inputs) and no run-time length is needed.
    /// </summary>
    /// <exception cref="OperatorException">No maximum can be proven (the message says why).</exception>
    IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs);
}
