using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Replaces each node of an operator defined as a function of standard operators (<see cref="IExpandsToStandardOperators"/>:
/// the training optimizers) by that function's nodes, so those operators compile without kernels of their own.
/// </summary>
public sealed class ExpandOperators : IGraphPass, IRewritesOperators
{
    /// <inheritdoc/>
    public IReadOnlyList<string> RewrittenOpTypes { get; } =
        [.. OperatorRegistry.All.Where(op => op is IExpandsToStandardOperators).Select(op => op.OpType).Order(StringComparer.Ordinal)];

    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.Operator is IExpandsToStandardOperators expanding)
            {
                try
                {
                    expanding.Expand(new NodeReplacement(graph, node));
                }
                catch (OperatorException e)
                {
                    throw GraphException.ForNode(node, "expansion", e);
                }
                changed = true;
            }
        }
        return changed;
    }
}
