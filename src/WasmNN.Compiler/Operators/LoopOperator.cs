using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Loop.</summary>
/// <param name="Body">Inputs: iteration number, condition, the carried values, then the captured outer values (node inputs after the declared ones).</param>
/// <param name="Carried">The number of loop-carried values (declared node inputs after M and cond).</param>
public sealed record LoopAttributes(Graph Body, int Carried) : OperatorAttributes;

/// <summary>
/// ONNX Loop: runs the body while the iteration number is below M (input 0, optional) and the condition (input 1,
/// optional) holds; the body's outputs are the next condition, the next carried values and one value per scan
/// output, stacked on a new leading axis. The <c>UnrollLoops</c> pass replaces it by copies of the body when M and
/// the condition are known at compile time; there is no kernel of its own.
/// </summary>
public sealed class LoopOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Loop";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new LoopAttributes(attributes.Get("body") as Graph ?? throw new OperatorException("attribute 'body' must be a graph"), attributes.InputCount - 2);

    /// <summary>The trip count and the first condition decide how many times the body is copied.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 0 or 1;

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) =>
        index < As<LoopAttributes>(attributes).Carried ? As<LoopAttributes>(attributes).Body.Outputs[1 + index].Kind : ValueKind.Tensor;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<LoopAttributes>(attributes);
        var types = new List<TensorType>();
        for (var k = 1; k < a.Body.Outputs.Count; k++)
        {
            var output = a.Body.Outputs[k];
            types.Add(k <= a.Carried && inputs.ElementAtOrDefault(1 + k) is { } initial
                ? new TensorType(initial.ElementType, initial.Shape)
                : new TensorType(output.ElementType, output.Shape is { } s ? [-1, .. s] : null));
        }
        return types;
    }

    /// <summary>The most iterations a reference evaluation runs without a trip count before it gives up.</summary>
    public const int MaxEvaluatedIterations = 1 << 20;

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<LoopAttributes>(attributes);
        var trips = inputs[0]?.GetInt64(0) ?? long.MaxValue;
        var condition = inputs[1] is not { } c || c.GetDouble(0) != 0;
        var carried = inputs.Skip(2).Take(a.Carried).Select(t => t!).ToList();
        var captures = inputs.Skip(2 + a.Carried).Select(t => t!).ToList();
        var scans = Enumerable.Range(0, a.Body.Outputs.Count - 1 - a.Carried).Select(_ => new List<Tensor>()).ToList();
        for (long i = 0; i < trips && condition; i++)
        {
            if (i >= MaxEvaluatedIterations)
            {
                throw new OperatorException($"the loop ran {MaxEvaluatedIterations} iterations without stopping");
            }
            var outputs = Subgraphs.Run(a.Body, [Tensor.FromInt64s([], [i]), new Tensor(DataType.Bool, [], new[] { condition }), .. carried, .. captures]);
            condition = outputs[0].GetDouble(0) != 0;
            carried = [.. outputs.Skip(1).Take(a.Carried)];
            for (var k = 0; k < scans.Count; k++)
            {
                scans[k].Add(outputs[1 + a.Carried + k]);
            }
        }
        return [.. carried, .. scans.Select((rows, k) => Stack(rows, a.Body.Outputs[1 + a.Carried + k]))];
    }

    /// <summary>The rows stacked on a new leading axis (none: an empty tensor of the body output's static shape).</summary>
    internal static Tensor Stack(IReadOnlyList<Tensor> rows, Value bodyOutput)
    {
        if (rows.Count == 0)
        {
            return Shapes.IsStatic(bodyOutput.Shape) ? Tensor.Zeros(bodyOutput.ElementType, [0, .. bodyOutput.Shape!])
                : throw new OperatorException($"no iteration ran and scan output '{bodyOutput.Name}' has no static shape");
        }
        var result = Tensor.Zeros(rows[0].DataType, [rows.Count, .. rows[0].Shape]);
        for (var r = 0; r < rows.Count; r++)
        {
            if (!Shapes.AreEqual(rows[r].Shape, rows[0].Shape))
            {
                throw new OperatorException($"scan output '{bodyOutput.Name}' changes shape between iterations ({Shapes.Format(rows[0].Shape)}, {Shapes.Format(rows[r].Shape)})");
            }
            Array.Copy(rows[r].Data, 0, result.Data, r * rows[0].Length, rows[0].Length);
        }
        return result;
    }
}
