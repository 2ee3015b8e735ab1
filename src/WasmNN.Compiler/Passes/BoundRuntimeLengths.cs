using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Gives every value whose length depends on the data a static maximum shape and marks its run-time dimensions
/// (<see cref="Value.RuntimeDims"/>): the outputs of <see cref="IBoundedOutputOperator"/> nodes get a fresh
/// <see cref="RuntimeLength"/>, and the consumers that keep positions along such a dimension (elementwise ops,
/// Transpose, Gather, Slice of other axes, reductions over other axes...) carry it to their outputs. A consumer
/// that would mix the padding past the actual length into its results (a reduction or softmax over the dimension,
/// Concat, Reshape) is rejected with the node and the length it cannot take. Runs after the pass pipeline, before
/// <see cref="RequireStaticShapes"/>; a graph without such operators is unchanged.
/// </summary>
public sealed class BoundRuntimeLengths : IGraphPass
{
    /// <summary>
    /// Operators whose output element at a position along a run-time dimension reads only input elements at that same
    /// position (besides the elementwise and broadcast kinds), so padding stays in the padding. A dimension that a
    /// node consumes (reduces, contracts) disappears from its output and is rejected by the probe below.
    /// </summary>
    private static readonly HashSet<string> s_positionKeeping =
    [
        "Transpose", "Squeeze", "Unsqueeze", "Identity", "Cast", "Gather", "Slice", "MatMul", "Gemm",
        "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ArgMax", "ArgMin",
    ];

    /// <inheritdoc/>
    /// <exception cref="UnsupportedOperatorException">A node cannot take a run-time length, or no maximum exists.</exception>
    public bool Run(Graph graph)
    {
        var changed = false;
        foreach (var node in graph.Nodes)
        {
            if (node.Operator is IBoundedOutputOperator bounded && node.Outputs.OfType<Value>().Any(o => !Shapes.IsStatic(o.Shape)))
            {
                Bound(node, bounded);
                changed = true;
            }
            else if (node.AllInputs.Any(v => v.RuntimeDims is not null))
            {
                Propagate(node);
                changed = true;
            }
        }
        return changed;
    }

    private static void Bound(Node node, IBoundedOutputOperator bounded)
    {
        IReadOnlyList<BoundedShape>? shapes;
        try
        {
            shapes = bounded.Bound(node.Attributes, node.Inputs);
        }
        catch (OperatorException e)
        {
            throw Unsupported(node, e.Message);
        }
        if (shapes is null)
        {
            return;
        }
        var maximum = shapes.SelectMany(s => s.RuntimeAxes.Select(a => s.Maximum[a])).DefaultIfEmpty(0).Max();
        var length = new RuntimeLength(maximum, $"{node.OpType} '{node.Name}'");
        for (var i = 0; i < node.Outputs.Count && i < shapes.Count; i++)
        {
            if (node.Outputs[i] is { } output)
            {
                output.Shape = shapes[i].Maximum;
                var shape = shapes[i];
                output.RuntimeDims = shape.RuntimeAxes.Length == 0 ? null : [.. shape.Maximum.Select((size, d) => !shape.RuntimeAxes.Contains(d) ? null
                    : shape.LengthPerAxis ? new RuntimeLength(size, $"{node.OpType} '{node.Name}' axis {d}") : length)];
            }
        }
    }

    /// <summary>
    /// Infers the node's outputs at the inputs' maximum shapes, then once more with each run-time length one larger:
    /// an output dimension that grows by one follows that length; every run-time input dimension must reach the output
    /// (Gather's indexed data axis aside), or the node would read the padding as data.
    /// </summary>
    private static void Propagate(Node node)
    {
        var lengths = node.AllInputs.Where(v => v.RuntimeDims is not null).SelectMany(v => v.RuntimeDims!).OfType<RuntimeLength>().Distinct().ToList();
        if (node.Epilogue.Any(s => s.Operands.Any(v => v?.RuntimeDims is not null)))
        {
            throw Unsupported(node, $"a fused epilogue reads a value of run-time length ({lengths[0]})");
        }
        if (node.Operator.PatternKind is not (OpPatternKind.Elementwise or OpPatternKind.Broadcast) && !s_positionKeeping.Contains(node.OpType))
        {
            throw Unsupported(node, $"{node.OpType} does not take a dimension of run-time length ({lengths[0]}); " +
                "only operators that keep positions along it do (elementwise ops, Transpose, Gather, Slice and reductions of other axes...)");
        }
        var baseline = Infer(node, null);
        var runtimeDims = baseline.Select(t => t.Shape is null ? null : new RuntimeLength?[t.Shape.Length]).ToList();
        foreach (var length in lengths)
        {
            var grown = Infer(node, length);
            var reached = false;
            for (var i = 0; i < baseline.Count; i++)
            {
                if (baseline[i].Shape is not { } shape || grown[i].Shape is not { } other || other.Length != shape.Length)
                {
                    continue;
                }
                for (var d = 0; d < shape.Length; d++)
                {
                    if (other[d] == shape[d])
                    {
                        continue;
                    }
                    if (other[d] != shape[d] + 1 || runtimeDims[i]![d] is not null)
                    {
                        throw Unsupported(node, $"output dimension {d} of '{node.Outputs[i]?.Name}' would mix run-time lengths ({length}); it must follow one length position by position");
                    }
                    runtimeDims[i]![d] = length;
                    reached = true;
                }
            }
            if (!reached && !IsGatheredAxis(node, length))
            {
                throw Unsupported(node, $"{node.OpType} consumes a dimension of run-time length ({length}): it would read the padding past the actual length");
            }
        }
        for (var i = 0; i < node.Outputs.Count && i < baseline.Count; i++)
        {
            if (node.Outputs[i] is { } output)
            {
                output.ElementType = baseline[i].ElementType;
                output.Shape = baseline[i].Shape;
                output.RuntimeDims = runtimeDims[i] is { } dims && dims.Any(d => d is not null) ? dims : null;
            }
        }
    }

    /// <summary>Gather's data indexed along a run-time axis: the indices name positions below the actual length.</summary>
    private static bool IsGatheredAxis(Node node, RuntimeLength length) =>
        node.OpType == "Gather" && node.Inputs[0]!.RuntimeDims is { } dims && node.Inputs[1]!.RuntimeDims?.Contains(length) != true
        && Array.IndexOf(dims, length) is var axis and >= 0
        && node.Attributes is GatherAttributes gather && Shapes.NormalizeAxis(gather.Axis, dims.Length) == axis
        && dims.Count(d => d == length) == 1;

    /// <summary>The node's output types with the inputs at their maximum shapes, dimensions of <paramref name="grow"/> one larger.</summary>
    private static IReadOnlyList<TensorType> Infer(Node node, RuntimeLength? grow)
    {
        var inputs = node.Inputs.Select(v => v is null ? null : new Value(v.Name, v.ElementType, v.RuntimeDims is { } dims && grow is not null
            ? [.. v.Shape!.Select((size, d) => dims[d] == grow ? size + 1 : size)] : v.Shape) { Constant = v.Constant }).ToList();
        try
        {
            return node.Operator.InferTypes(node.Attributes, inputs);
        }
        catch (OperatorException e)
        {
            throw Unsupported(node, e.Message);
        }
    }

    private static UnsupportedOperatorException Unsupported(Node node, string reason) =>
        new($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {reason}");
}
