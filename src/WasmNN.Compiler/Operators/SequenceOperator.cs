using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// An operator on sequences or optionals. It has no kernel: the ResolveSequences pass calls <see cref="Resolve"/>
/// once the values it reads are known at compile time (every sequence's length, every position), and the node
/// becomes the tensor nodes that compute its result.
/// </summary>
public abstract class SequenceOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <summary>
    /// The node's outputs from its inputs' resolved values (a tensor input as <see cref="ResolvedValue.Of"/>; null for
    /// an omitted one), adding any nodes needed through <paramref name="b"/>; null, before adding any node, when an
    /// input it needs (a position) is not a compile-time constant yet.
    /// </summary>
    /// <exception cref="OperatorException">The inputs do not fit the operator (a position out of range).</exception>
    public abstract IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs);

    /// <inheritdoc/>
    /// <exception cref="UnsupportedOperatorException">Always: a sequence is not a tensor, so there is nothing to evaluate node by node.</exception>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        throw new UnsupportedOperatorException($"{OpType} works on sequences or optionals, which are resolved at compile time (ResolveSequences), not evaluated node by node");

    /// <summary>
    /// A compile-time integer input (a position or split), or null when absent. The pass calls <see cref="Resolve"/>
    /// only once every input <see cref="Operator.RequiresConstantInput"/> names is a constant.
    /// </summary>
    protected static long[]? ConstantInts(Value? value) =>
        value is null ? null : ReferenceMath.ConstantInts(value) ?? throw new OperatorException($"'{value.Name}' is not a compile-time constant");

    /// <summary><paramref name="position"/> made non-negative and checked against [-count, count - 1] (or [-count, count] when <paramref name="end"/>).</summary>
    protected static int Position(long position, int count, bool end = false)
    {
        var limit = end ? count : count - 1;
        if (position < -count || position > limit)
        {
            throw new OperatorException($"position {position} is outside [{-count}, {limit}] for a sequence of {count} elements");
        }
        return (int)(position < 0 ? position + count : position);
    }
}
