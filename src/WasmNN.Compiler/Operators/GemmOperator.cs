using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Gemm.</summary>
/// <param name="Alpha">Scale of A*B (default 1).</param>
/// <param name="Beta">Scale of C (default 1).</param>
/// <param name="TransA">Transpose A first.</param>
/// <param name="TransB">Transpose B first.</param>
public sealed record GemmAttributes(float Alpha, float Beta, bool TransA, bool TransB) : OperatorAttributes;

/// <summary>ONNX Gemm: general matrix multiply with an optional broadcast bias.</summary>
/// <remarks>
/// Y = alpha * A' * B' + beta * C, with A' = transA ? A^T : A (M x K), B' = transB ? B^T : B (K x N). Before opset 7
/// a 'broadcast' attribute allowed C to broadcast unidirectionally; with broadcast = 0 C had to be M x N already, a case
/// of the same rule, so every opset is computed alike.
/// </remarks>
public sealed class GemmOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Gemm";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.OutElementwiseFusable;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new GemmAttributes(
        attributes.GetFloat("alpha", 1f), attributes.GetFloat("beta", 1f),
        attributes.GetInt("transA", 0) != 0, attributes.GetInt("transB", 0) != 0);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var g = As<GemmAttributes>(attributes);
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        if (a.Shape is null || b.Shape is null)
        {
            return [new TensorType(a.ElementType, null)];
        }
        if (a.Shape.Length != 2 || b.Shape.Length != 2)
        {
            throw new OperatorException($"A {Shapes.Format(a.Shape)} and B {Shapes.Format(b.Shape)} must be matrices");
        }
        var (m, k) = g.TransA ? (a.Shape[1], a.Shape[0]) : (a.Shape[0], a.Shape[1]);
        var (k2, n) = g.TransB ? (b.Shape[1], b.Shape[0]) : (b.Shape[0], b.Shape[1]);
        if (k >= 0 && k2 >= 0 && k != k2)
        {
            throw new OperatorException($"inner dimensions differ: A' is {m}x{k}, B' is {k2}x{n}");
        }
        if (Optional(inputs, 2) is { Shape: { } c })
        {
            Shapes.Broadcast(c, [m, n]);
        }
        return [new TensorType(a.ElementType, [m, n])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var g = As<GemmAttributes>(attributes);
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        var c = Optional(inputs, 2);
        var (m, k) = g.TransA ? (a.Shape[1], a.Shape[0]) : (a.Shape[0], a.Shape[1]);
        var n = g.TransB ? b.Shape[0] : b.Shape[1];
        var ad = a.ToDoubleArray();
        var bd = b.ToDoubleArray();
        var y = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var p = 0; p < k; p++)
                {
                    var av = g.TransA ? ad[p * m + i] : ad[i * k + p];
                    var bv = g.TransB ? bd[j * k + p] : bd[p * n + j];
                    sum += av * bv;
                }
                y[i * n + j] = g.Alpha * sum;
            }
        }
        if (c is not null)
        {
            var cStrides = Shapes.BroadcastStrides(c.Shape, [m, n]);
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    y[i * n + j] += g.Beta * c.GetDouble(i * cStrides[0] + j * cStrides[1]);
                }
            }
        }
        return [Tensor.FromDoubles(a.DataType, [m, n], y)];
    }
}
