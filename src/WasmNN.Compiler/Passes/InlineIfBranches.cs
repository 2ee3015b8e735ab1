using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Replaces each If by plain nodes. When its condition is a constant (exporters branch on shape checks, which fold
/// once input shapes are fixed) the taken branch is inlined. When the condition is computed at run time, both
/// branches are inlined and each output is chosen by a Where on the condition: branches are pure, so running both
/// gives the same result at the cost of the untaken one (this needs both branches to give each output the same
/// type and static shape). Inlining moves a branch's constants and nodes into the graph (names prefixed by the If's),
/// its inputs becoming the captured outer values; the If's output values are produced by the branch's last nodes, or
/// copied by an Identity where a branch output is an outer value, a constant or repeated. Folding runs again after
/// each If, so shape chains inside the branch and nested conditions fold too.
/// </summary>
/// <exception cref="UnsupportedOperatorException">A run-time condition whose branches disagree on an output's type or shape.</exception>
public sealed class InlineIfBranches : IGraphPass, IRewritesOperators
{
    /// <inheritdoc/>
    public IReadOnlyList<string> RewrittenOpTypes { get; } = ["If"];

    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        var selections = new List<Node>();
        while (graph.Nodes.FirstOrDefault(n => n.Operator is IfOperator) is { } node)
        {
            var attributes = node.GetAttributes<IfAttributes>();
            var position = graph.Nodes.IndexOf(node);
            graph.Nodes.RemoveAt(position);
            if (IfOperator.TakenBranch(attributes, node.Inputs[0]!) is { } taken)
            {
                graph.Nodes.InsertRange(position, Inline(graph, node, taken, "", node.Outputs));
            }
            else if (node.Outputs.FirstOrDefault(o => o is { Kind: not ValueKind.Tensor }) is { } composite)
            {
                throw new UnsupportedOperatorException($"node '{node.Name}' (If, opset {node.Opset}): the condition '{node.Inputs[0]!.Name}' is computed " +
                    $"at run time and output '{composite.Name}' is a {composite.Kind}; running both branches and selecting works for tensors only " +
                    "(data-dependent control flow is not supported)");
            }
            else
            {
                var nodes = Select(graph, node, attributes);
                selections.AddRange(nodes.Where(n => n.Operator is WhereOperator));
                graph.Nodes.InsertRange(position, nodes);
            }
            changed = true;
            new FoldConstants().Run(graph);
        }
        // Checked once nested Ifs are gone: only then are the branch outputs' shapes known.
        foreach (var select in selections.Where(graph.Nodes.Contains))
        {
            var (then, otherwise) = (select.Inputs[1]!, select.Inputs[2]!);
            if (then.ElementType != otherwise.ElementType || then.Shape is null || otherwise.Shape is null
                || !Shapes.AreEqual(then.Shape, otherwise.Shape) || then.Shape.Any(d => d < 0))
            {
                throw new UnsupportedOperatorException($"node '{select.Name[..select.Name.LastIndexOf('/')]}' (If, opset {select.Opset}): the condition " +
                    $"'{select.Inputs[0]!.Name}' is computed at run time and the branches give '{select.Outputs[0]!.Name}' as {then.ElementType} " +
                    $"{Shapes.Format(then.Shape)} and {otherwise.ElementType} {Shapes.Format(otherwise.Shape)}; running both and selecting needs the " +
                    "same type and static shape (data-dependent control flow is not supported)");
            }
        }
        return changed;
    }

    /// <summary>Both branches, then <c>Where(cond, then, else)</c> for each output.</summary>
    private static List<Node> Select(Graph graph, Node node, IfAttributes attributes)
    {
        var condition = node.Inputs[0]!;
        Value? Fresh(Value? output, string label) => output is null ? null : new Value($"{output.Name}/{label}", output.ElementType, output.Shape);
        var thenValues = node.Outputs.Select(o => Fresh(o, "then")).ToList();
        var elseValues = node.Outputs.Select(o => Fresh(o, "else")).ToList();
        var nodes = Inline(graph, node, attributes.ThenBranch, "then/", thenValues);
        nodes.AddRange(Inline(graph, node, attributes.ElseBranch, "else/", elseValues));
        var where = OperatorRegistry.Resolve("Where", graph.Opset, node.Name);
        for (var k = 0; k < node.Outputs.Count; k++)
        {
            if (node.Outputs[k] is { } output)
            {
                nodes.Add(new Node($"{node.Name}/select_{k}", where, node.Opset, where.ParseAttributes(AttributeBag.Empty, node.Opset),
                    [condition, thenValues[k], elseValues[k]], [output]));
            }
        }
        return nodes;
    }

    /// <summary>The branch's nodes rewritten to read the captured values and to produce <paramref name="targets"/>.</summary>
    private static List<Node> Inline(Graph graph, Node node, Graph branch, string label, IReadOnlyList<Value?> targets)
    {
        var prefix = $"{node.Name}/{label}";
        string Prefixed(string name) => name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;
        var replacement = new Dictionary<Value, Value>();
        for (var i = 0; i < branch.Inputs.Count; i++)
        {
            replacement[branch.Inputs[i]] = node.Inputs[i + 1]!;
        }
        foreach (var constant in branch.Initializers)
        {
            constant.Name = Prefixed(constant.Name);
            graph.Initializers.Add(constant);
        }
        // A branch output made by a branch node becomes the If's output value itself (the first time it appears).
        var branchNodes = branch.Nodes.ToHashSet();
        var copies = new List<(Value From, Value To)>();
        for (var k = 0; k < targets.Count; k++)
        {
            if (targets[k] is not { } output)
            {
                continue;
            }
            var produced = branch.Outputs[k];
            if (produced.Producer is { } producer && branchNodes.Contains(producer) && !replacement.ContainsKey(produced))
            {
                replacement[produced] = output;
            }
            else
            {
                copies.Add((produced, output));
            }
        }
        var inlined = new List<Node>();
        foreach (var inner in branch.Nodes)
        {
            inner.Name = Prefixed(inner.Name);
            for (var i = 0; i < inner.Inputs.Count; i++)
            {
                if (inner.Inputs[i] is { } input && replacement.TryGetValue(input, out var outer))
                {
                    inner.SetInput(i, outer);
                }
            }
            for (var j = 0; j < inner.Outputs.Count; j++)
            {
                if (inner.Outputs[j] is not { } value)
                {
                    continue;
                }
                if (replacement.TryGetValue(value, out var outer))
                {
                    inner.SetOutput(j, outer);
                }
                else
                {
                    value.Name = Prefixed(value.Name);
                }
            }
            inlined.Add(inner);
        }
        var identity = OperatorRegistry.Resolve("Identity", graph.Opset, node.Name);
        foreach (var (from, to) in copies)
        {
            var source = replacement.GetValueOrDefault(from, from);
            var copy = new Node($"{prefix}copy_{to.Name}", identity, node.Opset, identity.ParseAttributes(AttributeBag.Empty, node.Opset), [source], [to]);
            inlined.Add(copy);
        }
        branch.Nodes.Clear();
        branch.Initializers.Clear();
        return inlined;
    }
}
