using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Trilu.</summary>
/// <param name="Upper">1 (default): keep the upper triangle; 0: the lower one.</param>
public sealed record TriluAttributes(bool Upper) : OperatorAttributes;

/// <summary>
/// ONNX Trilu (opset 14): the upper or lower triangle of each matrix in the last two dimensions (leading dimensions
/// are a batch), the rest zero. The optional int64 scalar k shifts the diagonal (k &gt; 0 above the main one).
/// </summary>
/// <remarks>upper: y[..., i, j] = j - i &gt;= k ? x[..., i, j] : 0; lower: j - i &lt;= k</remarks>
public sealed class TriluOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Trilu";

    /// <inheritdoc/>
    public override int MinOpset => 14;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new TriluAttributes(attributes.GetInt("upper", 1) != 0);

    /// <summary>The kernel is specialised for k, so k must be known at compile time.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (x.Shape is { Length: < 2 })
        {
            throw new OperatorException($"input '{x.Name}' has rank {x.Shape.Length}; Trilu needs rank 2 or more");
        }
        if (inputs.Count > 1 && inputs[1] is { } k && (k.ElementType != DataType.Int64 || k.Shape is { Length: > 0 } and not [1]))
        {
            throw new OperatorException($"k '{k.Name}' must be an int64 scalar, got {k.ElementType} {Shapes.Format(k.Shape)}");
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <summary>Whether element (row, column) is kept.</summary>
    public static bool Keeps(bool upper, long k, int row, int column) => upper ? column - row >= k : column - row <= k;

    /// <summary>k from the optional second input (0 when absent), or null while it is not constant.</summary>
    public static long? Diagonal(IReadOnlyList<Value?> inputs) =>
        inputs.Count > 1 && inputs[1] is { } k ? ReferenceMath.ConstantInts(k) is [var value] ? value : null : 0;

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var upper = As<TriluAttributes>(attributes).Upper;
        var k = inputs.Count > 1 && inputs[1] is { } kTensor ? kTensor.GetInt64(0) : 0;
        int rows = x.Shape[^2], columns = x.Shape[^1];
        var result = Tensor.Zeros(x.DataType, x.Shape);
        for (var i = 0; i < x.Length; i++)
        {
            if (Keeps(upper, k, i / columns % rows, i % columns))
            {
                result.CopyElement(x, i, i);
            }
        }
        return [result];
    }
}
