using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Builds the standard-operator nodes that take one node's place: each node added goes in just before the replaced
/// one, so the graph stays in topological order; <see cref="Bind"/> redirects the replaced node's outputs and
/// <see cref="Finish"/> removes it. The graph's opset selects the versions of the nodes added, so callers use
/// operators whose form did not change across opsets (Reshape, Gather, Slice, elementwise math).
/// </summary>
public sealed class NodeReplacement(Graph graph, Node replaced)
{
    private readonly HashSet<Node> _nodes = [];
    private int _added;

    /// <summary>The graph being edited.</summary>
    public Graph Graph => graph;

    /// <summary>The node being replaced.</summary>
    public Node Replaced => replaced;

    /// <summary>Adds a one-output node before the replaced node; returns its output.</summary>
    public Value Add(string opType, IEnumerable<Value?> inputs, params (string Name, object Value)[] attributes)
    {
        // Node names must be unique too, and a bound output's value takes the replaced output's name, so a counter
        // (not the value names) keeps them apart.
        var name = graph.UniqueName($"{replaced.Name}/{opType}_{_added++}");
        var node = graph.AddNode(opType, inputs, [name], new AttributeBag(attributes), name);
        graph.Nodes.Remove(node);
        graph.Nodes.Insert(graph.Nodes.IndexOf(replaced), node);
        _nodes.Add(node);
        return node.Outputs[0]!;
    }

    /// <summary>
    /// A copy of <paramref name="body"/> (a subgraph) reading <paramref name="inputs"/> in its input order, added before
    /// the replaced node with names prefixed by <paramref name="prefix"/>; returns the copy's outputs.
    /// </summary>
    public IReadOnlyList<Value> Inline(Graph body, IReadOnlyList<Value> inputs, string prefix)
    {
        var map = new Dictionary<Value, Value>();
        for (var i = 0; i < body.Inputs.Count; i++)
        {
            map[body.Inputs[i]] = inputs[i];
        }
        foreach (var constant in body.Initializers)
        {
            map[constant] = graph.AddConstant(graph.UniqueName(prefix + constant.Name), constant.Constant!);
        }
        foreach (var inner in body.Nodes)
        {
            var outputs = inner.Outputs.Select(o => o is null ? null : map[o] = new Value(graph.UniqueName(prefix + o.Name), o.ElementType, o.Shape)).ToList();
            var copy = new Node(graph.UniqueName(prefix + inner.Name), inner.Operator, inner.Opset, inner.Attributes, inner.Inputs.Select(v => v is null ? null : map[v]), outputs);
            Graph.InferNodeTypes(copy);
            graph.Nodes.Insert(graph.Nodes.IndexOf(replaced), copy);
            _nodes.Add(copy);
        }
        return [.. body.Outputs.Select(o => map[o])];
    }

    /// <summary>A new constant value holding <paramref name="tensor"/>.</summary>
    public Value Constant(Tensor tensor) => graph.AddConstant(graph.UniqueName($"{replaced.Name}/const"), tensor);

    /// <summary>A scalar constant of <paramref name="type"/>.</summary>
    public Value Scalar(DataType type, double value) => Constant(Tensor.FromDoubles(type, [], [value]));

    /// <summary>An int64 vector constant.</summary>
    public Value Int64s(params long[] values) => Constant(Tensor.FromInt64s([values.Length], values));

    /// <summary><paramref name="value"/> converted to <paramref name="type"/> (no node when it already is).</summary>
    public Value Cast(Value value, DataType type) =>
        value.ElementType == type ? value : Add("Cast", [value], ("to", (long)OnnxDataTypes.ToOnnx(type)));

    /// <summary><paramref name="value"/> with a new static shape.</summary>
    public Value Reshape(Value value, int[] shape) =>
        Shapes.AreEqual(value.Shape, shape) ? value : Add("Reshape", [value, Int64s([.. shape.Select(d => (long)d)])]);

    /// <summary>
    /// Redirects every reader of <paramref name="old"/> (an output of the replaced node) to <paramref name="replacement"/>.
    /// A graph output keeps its name: a node added here produces it, or else an Identity of its own does.
    /// </summary>
    public void Bind(Value old, Value replacement)
    {
        // A value made here takes the output's name; anything else (an input, a constant, another output, an
        // operand passed through) is copied, so it keeps its own.
        if (graph.IsOutput(old) && (replacement.Producer is not { } producer || !_nodes.Contains(producer) || graph.IsOutput(replacement)))
        {
            replacement = Add("Identity", [replacement]);
        }
        graph.ReplaceAllUses(old, replacement);
    }

    /// <summary>Removes the replaced node (call after binding each of its outputs that has readers).</summary>
    public void Finish() => graph.Nodes.Remove(replaced);
}
