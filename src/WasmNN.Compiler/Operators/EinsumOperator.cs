using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Einsum.</summary>
/// <param name="Equation">The equation as written, e.g. <c>bij,bjk-&gt;bik</c>.</param>
public sealed record EinsumAttributes(string Equation) : OperatorAttributes;

/// <summary>ONNX Einsum: a sum of products over the labelled axes of the inputs (numpy einsum).</summary>
/// <remarks>
/// out[output labels] = sum over the other labels of prod_k input_k[its labels]. Without <c>-&gt;</c> the output is the
/// ellipsis axes followed by the labels that appear once, sorted. The reference evaluation handles every equation;
/// the compiler lowers the matmul-like ones to Transpose/Reshape/MatMul/ReduceSum (Passes/LowerEinsum).
/// </remarks>
public sealed class EinsumOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Einsum";

    /// <inheritdoc/>
    public override int MinOpset => 12;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var equation = attributes.GetString("equation", "");
        EinsumEquation.Parse(equation);
        return new EinsumAttributes(equation);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var equation = EinsumEquation.Parse(As<EinsumAttributes>(attributes).Equation);
        if (inputs.Count != equation.InputCount || inputs.Any(i => i is null))
        {
            throw new OperatorException($"equation '{equation.Text}' has {equation.InputCount} operands, the node {inputs.Count(i => i is not null)} inputs");
        }
        var first = inputs[0]!;
        if (inputs.Any(i => i!.ElementType != first.ElementType))
        {
            throw new OperatorException("Einsum inputs have different element types");
        }
        if (inputs.Any(i => i!.Shape is null))
        {
            return [new TensorType(first.ElementType, null)];
        }
        var labels = equation.Resolve([.. inputs.Select(i => i!.Shape!.Length)]);
        return [new TensorType(first.ElementType, labels.OutputShape([.. inputs.Select(i => i!.Shape!)]))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var operands = inputs.Select((t, i) => Required(inputs, i, "Inputs")).ToArray();
        var labels = EinsumEquation.Parse(As<EinsumAttributes>(attributes).Equation).Resolve([.. operands.Select(t => t.Rank)]);
        var shapes = operands.Select(t => t.Shape).ToArray();
        var result = Tensor.Zeros(operands[0].DataType, labels.OutputShape(shapes));
        var all = labels.Inputs.SelectMany(l => l).Distinct().ToArray();
        var sizes = labels.Sizes(shapes);
        var isFloat = operands[0].DataType.IsFloat();
        var outputStrides = Shapes.Strides(result.Shape);
        var inputStrides = shapes.Select(Shapes.Strides).ToArray();
        var assignment = new int[all.Length];
        var extents = all.Select(l => sizes[l]).ToArray();
        if (extents.Contains(0))
        {
            return [result];
        }
        var slot = all.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);
        do
        {
            var at = 0;
            for (var d = 0; d < labels.Output.Length; d++)
            {
                at += assignment[slot[labels.Output[d]]] * outputStrides[d];
            }
            double product = 1;
            long integerProduct = 1;
            for (var k = 0; k < operands.Length; k++)
            {
                var offset = 0;
                for (var d = 0; d < labels.Inputs[k].Length; d++)
                {
                    // An ellipsis axis of extent 1 broadcasts: it always reads coordinate 0.
                    offset += shapes[k][d] == 1 ? 0 : assignment[slot[labels.Inputs[k][d]]] * inputStrides[k][d];
                }
                if (isFloat)
                {
                    product *= operands[k].GetDouble(offset);
                }
                else
                {
                    integerProduct *= operands[k].GetInt64(offset);
                }
            }
            if (isFloat)
            {
                result.SetDouble(at, result.GetDouble(at) + product);
            }
            else
            {
                result.SetInt64(at, result.GetInt64(at) + integerProduct);
            }
            IndexedAccess.Advance(assignment, extents);
        }
        while (assignment.Any(a => a != 0));
        return [result];
    }
}
