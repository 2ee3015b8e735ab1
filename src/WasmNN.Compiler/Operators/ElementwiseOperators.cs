using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Base of one-input elementwise operators: output type and shape equal the input's. A derived class gives the
/// scalar function (<see cref="Apply"/>) and, for integer inputs where ONNX allows them, <see cref="ApplyInteger"/>.
/// </summary>
public abstract class UnaryElementwiseOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Elementwise;

    /// <summary>The scalar function on floating-point elements.</summary>
    public abstract double Apply(OperatorAttributes attributes, double x);

    /// <summary>The scalar function on integer elements; null when the operator is float-only.</summary>
    public virtual long ApplyInteger(OperatorAttributes attributes, long x) =>
        throw new OperatorException($"{OpType} does not accept integer inputs");

    /// <summary>True when <see cref="ApplyInteger"/> is defined.</summary>
    protected virtual bool AcceptsIntegers => false;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (!x.ElementType.IsFloat() && !AcceptsIntegers)
        {
            throw new OperatorException($"{OpType} needs a floating-point input, got {x.ElementType}");
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        return [ReferenceMath.Map(x, v => Apply(attributes, v), AcceptsIntegers ? v => ApplyInteger(attributes, v) : null)];
    }
}

/// <summary>
/// Base of two-input operators with numpy broadcasting (Add, Mul, ...). Both inputs share one element type unless
/// <see cref="AllowsMixedTypes"/>; the result type is the first input's, or bool for comparisons.
/// </summary>
public abstract class BinaryBroadcastOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Broadcast;

    /// <summary>The scalar function on floating-point elements.</summary>
    public abstract double Apply(double a, double b);

    /// <summary>The scalar function on integer elements (exact 64-bit arithmetic).</summary>
    public abstract long ApplyInteger(long a, long b);

    /// <summary>True for comparisons, whose output is bool.</summary>
    protected virtual bool ProducesBool => false;

    /// <summary>True when the inputs may have different element types (Pow).</summary>
    protected virtual bool AllowsMixedTypes => false;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        if (!AllowsMixedTypes && a.ElementType != b.ElementType)
        {
            throw new OperatorException($"{OpType} inputs have different element types {a.ElementType} and {b.ElementType}");
        }
        var shape = a.Shape is null || b.Shape is null ? null : Shapes.Broadcast(a.Shape, b.Shape);
        return [new TensorType(ProducesBool ? DataType.Bool : a.ElementType, shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        var resultType = ProducesBool ? DataType.Bool : a.DataType;
        if (ProducesBool)
        {
            return [ReferenceMath.Zip(a, b, resultType, (x, y) => Apply(x, y), (x, y) => ApplyInteger(x, y))];
        }
        return [ReferenceMath.Zip(a, b, resultType, Apply, a.DataType.IsFloat() ? null : ApplyInteger)];
    }
}

/// <summary>Base of variadic broadcasting operators (Sum, Max, Min, Mean): a left fold of a binary function.</summary>
public abstract class VariadicBroadcastOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Broadcast;

    /// <summary>The binary step on floating-point elements.</summary>
    public abstract double Apply(double a, double b);

    /// <summary>The binary step on integer elements.</summary>
    public abstract long ApplyInteger(long a, long b);

    /// <summary>Post-processing of the folded result (Mean divides by the input count).</summary>
    protected virtual Tensor Finish(Tensor folded, int inputCount) => folded;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var first = Required(inputs, 0, "data_0");
        int[]? shape = first.Shape;
        foreach (var input in inputs.Skip(1))
        {
            if (input is null)
            {
                continue;
            }
            if (input.ElementType != first.ElementType)
            {
                throw new OperatorException($"{OpType} inputs have different element types {first.ElementType} and {input.ElementType}");
            }
            shape = shape is null || input.Shape is null ? null : Shapes.Broadcast(shape, input.Shape);
        }
        return [new TensorType(first.ElementType, shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var present = inputs.OfType<Tensor>().ToList();
        if (present.Count == 0)
        {
            throw new OperatorException($"{OpType} needs at least one input");
        }
        var result = present[0];
        foreach (var next in present.Skip(1))
        {
            result = ReferenceMath.Zip(result, next, result.DataType, Apply, result.DataType.IsFloat() ? null : ApplyInteger);
        }
        if (present.Count == 1)
        {
            result = new Tensor(result.DataType, result.Shape, (Array)result.Data.Clone());
        }
        return [Finish(result, present.Count)];
    }
}
