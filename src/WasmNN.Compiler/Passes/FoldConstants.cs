using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Evaluates, with the operators' reference implementations, every node whose inputs are all constants, and every
/// node whose outputs follow from static shapes alone (Shape, Size, EyeLike), which therefore need no kernel (nor do
/// the window functions, whose one input, the size, must be a constant, nor ConstantOfShape and Range, whose output
/// shape is static only when their inputs are constants). Their outputs become constants and the nodes
/// disappear, which collapses exporter shape chains (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Slice/Cast/
/// Squeeze on shapes, Range, ConstantOfShape, Equal/Where, Expand) into a Reshape with a constant target shape.
/// One sweep in topological order suffices: each node's types are re-inferred just before it is considered, so a
/// shape folded upstream (a Reshape's target) makes the next Shape node foldable in the same sweep.
/// </summary>
public sealed class FoldConstants : IGraphPass, IRewritesOperators
{
    /// <inheritdoc/>
    public IReadOnlyList<string> RewrittenOpTypes { get; } =
        ["BlackmanWindow", "ConstantOfShape", "EyeLike", "HammingWindow", "HannWindow", "Range", "Shape", "Size"];

    /// <summary>Outputs larger than this many elements are left to run time rather than stored in the module.</summary>
    public const int MaxFoldedElements = 1 << 22;

    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        foreach (var node in graph.Nodes.ToList())
        {
            if ((node.Epilogue.Count > 0 && !node.AllInputs.All(v => v.IsConstant)) || node.Operator is SequenceOperator)
            {
                // Sequence operators are ResolveSequences' to replace (their values are not tensors).
                continue;
            }
            RefineTypes(node);
            if (!WouldStaySmall(node))
            {
                continue;
            }
            Tensor[]? results;
            try
            {
                results = node.Inputs.All(v => v is null || v.IsConstant)
                    ? node.Operator.Evaluate(node.Attributes, [.. node.Inputs.Select(v => v?.Constant)])
                    : node.Operator.TryEvaluateFromShapes(node.Attributes, node.Inputs);
            }
            catch (OperatorException e)
            {
                throw GraphException.ForNode(node, "constant folding", e);
            }
            if (results is null)
            {
                continue;
            }
            // A fused chain whose inputs became constants (a test harness bound them) folds step by step.
            foreach (var step in node.Epilogue)
            {
                var operands = step.Operands.Select((v, k) => k == step.AccumulatorIndex ? results[0] : v?.Constant).ToList();
                try
                {
                    results[0] = step.Operator.Evaluate(step.Attributes, operands)[0];
                }
                catch (OperatorException e)
                {
                    throw GraphException.ForNode(node, "constant folding", e);
                }
            }
            node.Epilogue.Clear();
            graph.Nodes.Remove(node);
            for (var i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i] is { } output)
                {
                    output.Constant = results[i];
                    output.ElementType = results[i].DataType;
                    output.Shape = results[i].Shape;
                    output.Producer = null;
                    graph.Initializers.Add(output);
                }
            }
            changed = true;
        }
        if (changed)
        {
            // Shapes downstream may now be known (e.g. Reshape with a folded target).
            new InferShapes().Run(graph);
        }
        return changed;
    }

    /// <summary>The operator's inference from the inputs as folded so far; a declared shape stays where it cannot tell.</summary>
    private static void RefineTypes(Node node)
    {
        var types = Graph.InferTypes(node);
        for (var i = 0; i < node.Outputs.Count && i < types.Count; i++)
        {
            if (node.Outputs[i] is { } output)
            {
                output.ElementType = types[i].ElementType;
                output.Shape = types[i].Shape ?? output.Shape;
            }
        }
    }

    private static bool WouldStaySmall(Node node) =>
        node.Outputs.OfType<Value>().All(o => o.Shape is { } s && Shapes.ElementCount(s) is >= 0 and <= MaxFoldedElements);
}
