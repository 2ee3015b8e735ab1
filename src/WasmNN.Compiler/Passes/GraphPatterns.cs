using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>Small questions the pattern-rewriting passes ask about values and their readers.</summary>
internal static class GraphPatterns
{
    /// <summary>The value of a one-element float32 constant, or null.</summary>
    public static float? ScalarConstant(Value? value) =>
        value?.Constant is { Length: 1 } c && c.DataType == DataType.Float32 ? (float)c.GetDouble(0) : null;

    /// <summary>The operand of a binary node other than <paramref name="known"/>, or null when it reads no such value.</summary>
    public static Value? OtherOperand(Node node, Value known) =>
        node.Inputs.Count == 2 && node.Inputs[0] == known ? node.Inputs[1] : node.Inputs.Count == 2 && node.Inputs[1] == known ? node.Inputs[0] : null;

    /// <summary>The one node reading <paramref name="value"/>, or null when it is a graph output or read by none or several.</summary>
    public static Node? SoleConsumer(Graph graph, Dictionary<Value, List<Node>> uses, Value value) =>
        !graph.IsOutput(value) && uses.TryGetValue(value, out var readers) && readers.Count == 1 ? readers[0] : null;

    /// <summary>
    /// True when the output of every node of a matched pattern but the last is read only by the pattern's nodes
    /// (and is no graph output), so the pattern can be replaced without losing a value someone else reads.
    /// </summary>
    public static bool IntermediatesStayInside(Graph graph, Dictionary<Value, List<Node>> uses, IReadOnlyList<Node> nodes)
    {
        var inside = nodes.ToHashSet();
        return nodes.SkipLast(1).All(node => node.Outputs[0] is { } value && !graph.IsOutput(value)
            && uses.TryGetValue(value, out var readers) && readers.All(inside.Contains));
    }

    /// <summary>
    /// Offers every node to <paramref name="match"/>; each pattern it returns is replaced by its one node, which
    /// takes the place of the pattern's last node. Returns true when anything was replaced.
    /// </summary>
    public static bool ReplaceEach(Graph graph, Func<Dictionary<Value, List<Node>>, Node, (IReadOnlyList<Node> Nodes, Node Replacement)?> match)
    {
        var changed = false;
        var uses = graph.BuildUses();
        foreach (var candidate in graph.Nodes.ToList())
        {
            if (!graph.Nodes.Contains(candidate) || match(uses, candidate) is not var (nodes, replacement))
            {
                continue;
            }
            graph.Nodes[graph.Nodes.IndexOf(nodes[^1])] = replacement;
            foreach (var node in nodes.SkipLast(1))
            {
                graph.Nodes.Remove(node);
            }
            uses = graph.BuildUses();
            changed = true;
        }
        if (changed)
        {
            new EliminateDeadNodes().Run(graph);
        }
        return changed;
    }
}
