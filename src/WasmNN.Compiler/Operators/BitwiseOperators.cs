using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>The integer operand check shared by the bitwise operators (ONNX allows integer types only).</summary>
internal static class IntegerOperands
{
    /// <summary>Throws unless every present input is an integer tensor.</summary>
    public static void Check(string opType, IReadOnlyList<Value?> inputs)
    {
        if (inputs.OfType<Value>().FirstOrDefault(v => v.ElementType.IsFloat() || v.ElementType == DataType.Bool) is { } bad)
        {
            throw new OperatorException($"{opType} needs integer inputs, got {bad.ElementType} for '{bad.Name}'");
        }
    }
}

/// <summary>Base of BitwiseAnd, BitwiseOr and BitwiseXor (opset 18): two's-complement bit operations with broadcasting.</summary>
public abstract class BitwiseBinaryOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override int MinOpset => 18;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        IntegerOperands.Check(OpType, inputs);
        return base.InferTypes(attributes, inputs);
    }

    /// <inheritdoc/>
    public override double Apply(double a, double b) => throw new OperatorException($"{OpType} needs integer inputs");
}

/// <summary>ONNX BitwiseAnd.</summary>
public sealed class BitwiseAndOperator : BitwiseBinaryOperator
{
    /// <inheritdoc/>
    public override string OpType => "BitwiseAnd";

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a & b;
}

/// <summary>ONNX BitwiseOr.</summary>
public sealed class BitwiseOrOperator : BitwiseBinaryOperator
{
    /// <inheritdoc/>
    public override string OpType => "BitwiseOr";

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a | b;
}

/// <summary>ONNX BitwiseXor.</summary>
public sealed class BitwiseXorOperator : BitwiseBinaryOperator
{
    /// <inheritdoc/>
    public override string OpType => "BitwiseXor";

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a ^ b;
}

/// <summary>ONNX BitwiseNot (opset 18): every bit flipped (wraps to the element type, so uint8 5 gives 250).</summary>
public sealed class BitwiseNotOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "BitwiseNot";

    /// <inheritdoc/>
    public override int MinOpset => 18;

    /// <inheritdoc/>
    protected override bool AcceptsIntegers => true;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        IntegerOperands.Check(OpType, inputs);
        return base.InferTypes(attributes, inputs);
    }

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x) => throw new OperatorException($"{OpType} needs integer inputs");

    /// <inheritdoc/>
    public override long ApplyInteger(OperatorAttributes attributes, long x) => ~x;
}
