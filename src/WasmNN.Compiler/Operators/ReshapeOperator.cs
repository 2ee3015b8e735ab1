using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Reshape.</summary>
/// <param name="AllowZero">Opset 14+: a 0 in the target shape means a real 0, not "copy the input dimension".</param>
public sealed record ReshapeAttributes(bool AllowZero) : OperatorAttributes;

/// <summary>ONNX Reshape (opset 5+: the target shape is input 1; one -1 is inferred, 0 copies the input dim).</summary>
public sealed class ReshapeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Reshape";

    /// <inheritdoc/>
    public override int MinOpset => 5;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ReshapeAttributes(attributes.GetInt("allowzero", 0) != 0);

    /// <summary>Resolves the requested shape against the input shape.</summary>
    public static int[] Resolve(int[] input, long[] requested, bool allowZero)
    {
        var result = new int[requested.Length];
        var inferred = -1;
        for (var i = 0; i < requested.Length; i++)
        {
            var r = requested[i];
            if (r == -1)
            {
                if (inferred >= 0)
                {
                    throw new OperatorException($"shape [{string.Join(", ", requested)}] has more than one -1");
                }
                inferred = i;
                result[i] = 1;
            }
            else if (r == 0 && !allowZero)
            {
                result[i] = i < input.Length ? input[i] : throw new OperatorException($"shape [{string.Join(", ", requested)}] copies dimension {i} which the input {Shapes.Format(input)} lacks");
            }
            else if (r < 0)
            {
                throw new OperatorException($"shape [{string.Join(", ", requested)}] has invalid dimension {r}");
            }
            else
            {
                result[i] = (int)r;
            }
        }
        var total = Shapes.ElementCount(input);
        if (inferred >= 0)
        {
            var known = Shapes.ElementCount(result);
            if (total < 0 || known < 0)
            {
                result[inferred] = -1;
                return result;
            }
            if (known == 0 || total % known != 0)
            {
                throw new OperatorException($"cannot reshape {Shapes.Format(input)} to [{string.Join(", ", requested)}]");
            }
            result[inferred] = total / known;
        }
        if (total >= 0 && Shapes.ElementCount(result) is var count && count >= 0 && count != total)
        {
            throw new OperatorException($"cannot reshape {Shapes.Format(input)} ({total} elements) to {Shapes.Format(result)} ({count} elements)");
        }
        return result;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var shape = Required(inputs, 1, "shape");
        var requested = ReferenceMath.ConstantInts(shape);
        if (requested is null)
        {
            return [new TensorType(x.ElementType, shape.Shape is [var rank] && rank >= 0 ? [.. Enumerable.Repeat(-1, rank)] : null)];
        }
        return [new TensorType(x.ElementType, x.Shape is null ? null : Resolve(x.Shape, requested, As<ReshapeAttributes>(attributes).AllowZero))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var requested = Required(inputs, 1, "shape").ToInt64Array();
        return [x.Reshape(Resolve(x.Shape, requested, As<ReshapeAttributes>(attributes).AllowZero))];
    }
}
