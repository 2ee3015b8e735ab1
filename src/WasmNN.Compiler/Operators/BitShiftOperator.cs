using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of BitShift.</summary>
/// <param name="Left">direction = "LEFT" (else "RIGHT").</param>
public sealed record BitShiftAttributes(bool Left) : OperatorAttributes;

/// <summary>ONNX BitShift (opset 11): logical shift of unsigned integers X by Y bits, with broadcasting.</summary>
/// <remarks>
/// Bits shifted past the element's width are lost (results wrap to the element type); a shift by the width of the
/// computation or more gives 0, as numpy, where wasm would take the count modulo the width.
/// </remarks>
public sealed class BitShiftOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "BitShift";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Broadcast;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        attributes.GetString("direction", "") switch
        {
            "LEFT" => new BitShiftAttributes(true),
            "RIGHT" => new BitShiftAttributes(false),
            var other => throw new OperatorException($"attribute 'direction' is '{other}', expected LEFT or RIGHT"),
        };

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var y = Required(inputs, 1, "Y");
        IntegerOperands.Check(OpType, inputs);
        if (x.ElementType != y.ElementType)
        {
            throw new OperatorException($"X is {x.ElementType}, Y {y.ElementType}; BitShift needs one type");
        }
        return [new TensorType(x.ElementType, x.Shape is null || y.Shape is null ? null : Shapes.Broadcast(x.Shape, y.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var left = As<BitShiftAttributes>(attributes).Left;
        var x = Required(inputs, 0, "X");
        var y = Required(inputs, 1, "Y");
        return [ReferenceMath.Zip(x, y, x.DataType, (_, _) => throw new OperatorException("BitShift needs integer inputs"),
            (a, b) => (ulong)b >= 64 ? 0 : left ? a << (int)b : (long)((ulong)a >> (int)b))];
    }
}
