using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Transpose.</summary>
/// <param name="Perm">Output dimension i is input dimension perm[i]; null reverses the dimensions.</param>
public sealed record TransposeAttributes(long[]? Perm) : OperatorAttributes;

/// <summary>ONNX Transpose: permute dimensions.</summary>
public sealed class TransposeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Transpose";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new TransposeAttributes(attributes.GetInts("perm"));

    private static int[] Permutation(TransposeAttributes a, int rank)
    {
        var perm = a.Perm is null ? [.. Enumerable.Range(0, rank).Reverse()] : a.Perm.Select(p => (int)p).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || Array.Exists(perm, p => p < 0 || p >= rank))
        {
            throw new OperatorException($"perm [{string.Join(", ", perm)}] is not a permutation of rank {rank}");
        }
        return perm;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (x.Shape is null)
        {
            return [new TensorType(x.ElementType, null)];
        }
        var perm = Permutation(As<TransposeAttributes>(attributes), x.Shape.Length);
        return [new TensorType(x.ElementType, [.. perm.Select(p => x.Shape[p])])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var perm = Permutation(As<TransposeAttributes>(attributes), x.Rank);
        int[] shape = [.. perm.Select(p => x.Shape[p])];
        var inStrides = Shapes.Strides(x.Shape);
        var result = Tensor.Zeros(x.DataType, shape);
        var coords = new int[shape.Length];
        for (var o = 0; o < result.Length; o++)
        {
            ReferenceMath.Unravel(o, shape, coords);
            var source = 0;
            for (var d = 0; d < shape.Length; d++)
            {
                source += coords[d] * inStrides[perm[d]];
            }
            result.CopyElement(x, source, o);
        }
        return [result];
    }
}
