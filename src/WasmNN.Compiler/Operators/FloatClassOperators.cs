using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of IsInf.</summary>
/// <param name="DetectPositive">+inf gives true.</param>
/// <param name="DetectNegative">-inf gives true.</param>
public sealed record IsInfAttributes(bool DetectPositive, bool DetectNegative) : OperatorAttributes;

/// <summary>The shared part of IsNaN and IsInf: a float tensor in, a bool tensor of its shape out.</summary>
public abstract class FloatClassBase : OnnxOperator
{
    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Elementwise;

    /// <summary>Whether <paramref name="x"/> is in the class.</summary>
    protected abstract bool Test(OperatorAttributes attributes, double x);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        return x.ElementType.IsFloat() ? [new TensorType(DataType.Bool, x.Shape)]
            : throw new OperatorException($"{OpType} takes a float input, '{x.Name}' is {x.ElementType}");
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        return [new Tensor(DataType.Bool, x.Shape, x.ToDoubleArray().Select(v => Test(attributes, v)).ToArray())];
    }
}

/// <summary>ONNX IsNaN: true where the element is NaN.</summary>
public sealed class IsNaNOperator : FloatClassBase
{
    /// <inheritdoc/>
    public override string OpType => "IsNaN";

    /// <inheritdoc/>
    protected override bool Test(OperatorAttributes attributes, double x) => double.IsNaN(x);
}

/// <summary>ONNX IsInf (opset 10): true where the element is an infinity of a detected sign.</summary>
public sealed class IsInfOperator : FloatClassBase
{
    /// <inheritdoc/>
    public override string OpType => "IsInf";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new IsInfAttributes(attributes.GetInt("detect_positive", 1) != 0, attributes.GetInt("detect_negative", 1) != 0);

    /// <inheritdoc/>
    protected override bool Test(OperatorAttributes attributes, double x)
    {
        var a = As<IsInfAttributes>(attributes);
        return (a.DetectPositive && double.IsPositiveInfinity(x)) || (a.DetectNegative && double.IsNegativeInfinity(x));
    }
}
