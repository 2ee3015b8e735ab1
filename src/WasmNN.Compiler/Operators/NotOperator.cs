using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Not: elementwise logical negation of a bool tensor.</summary>
public sealed class NotOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Not";

    /// <inheritdoc/>
    protected override bool AcceptsIntegers => true;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        LogicalOperands.Check(OpType, inputs) ?? base.InferTypes(attributes, inputs);

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x) => x == 0 ? 1 : 0;

    /// <inheritdoc/>
    public override long ApplyInteger(OperatorAttributes attributes, long x) => x == 0 ? 1 : 0;
}

/// <summary>The input check shared by Not, And, Or and Xor.</summary>
internal static class LogicalOperands
{
    /// <summary>Throws unless every input is bool; null so the caller's inference runs next.</summary>
    /// <exception cref="OperatorException">An input is not bool.</exception>
    public static IReadOnlyList<TensorType>? Check(string opType, IReadOnlyList<Value?> inputs) =>
        inputs.OfType<Value>().FirstOrDefault(v => v.ElementType != DataType.Bool) is { } other
            ? throw new OperatorException($"{opType} takes bool inputs, '{other.Name}' is {other.ElementType}")
            : null;
}
