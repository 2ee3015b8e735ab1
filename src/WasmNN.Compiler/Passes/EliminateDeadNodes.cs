using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Removes nodes none of whose outputs reach a graph output, constants nobody reads, and unused optional outputs
/// (MaxPool Indices, Dropout mask) so backends need not compute them.
/// </summary>
public sealed class EliminateDeadNodes : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var live = new HashSet<Value>(graph.Outputs);
        var changed = false;
        for (var i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (!node.Outputs.Any(o => o is not null && live.Contains(o)))
            {
                graph.Nodes.RemoveAt(i);
                changed = true;
                continue;
            }
            for (var k = 1; k < node.Outputs.Count; k++)
            {
                if (node.Outputs[k] is { } unused && !live.Contains(unused))
                {
                    node.SetOutput(k, null);
                    changed = true;
                }
            }
            live.UnionWith(node.AllInputs);
        }
        changed |= graph.Initializers.RemoveAll(c => !live.Contains(c)) > 0;
        return changed;
    }
}
