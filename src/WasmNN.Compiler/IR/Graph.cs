namespace WasmNN.Compiler.IR;

/// <summary>
/// A computation graph in SSA form: nodes in topological order, graph inputs, constants (initializers) and
/// outputs. Every <see cref="Value"/> is either an input, a constant or the output of exactly one node.
/// </summary>
public sealed class Graph
{
    /// <summary>Creates an empty graph bound to ai.onnx opset <paramref name="opset"/>.</summary>
    public Graph(string name, int opset)
    {
        Name = name;
        Opset = opset;
    }

    /// <summary>Graph name.</summary>
    public string Name { get; set; }

    /// <summary>The ai.onnx opset version of the model.</summary>
    public int Opset { get; }

    /// <summary>Runtime inputs (non-constant).</summary>
    public List<Value> Inputs { get; } = [];

    /// <summary>Graph outputs in order.</summary>
    public List<Value> Outputs { get; } = [];

    /// <summary>Constant values (initializers and folded constants).</summary>
    public List<Value> Initializers { get; } = [];

    /// <summary>Nodes in topological order.</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Creates a node for an already resolved operator, infers its output types, and appends it.</summary>
    /// <param name="op">The operator (resolved by the importer or a builder; the IR keeps no registry).</param>
    /// <param name="attributes">The operator's typed attributes.</param>
    /// <param name="inputs">Inputs (null for omitted optional ones).</param>
    /// <param name="outputNames">Names of the outputs to create (null or empty entries are omitted outputs).</param>
    /// <param name="name">Node name; generated when null.</param>
    public Node AddNode(Operator op, OperatorAttributes attributes, IEnumerable<Value?> inputs, IReadOnlyList<string?> outputNames, string? name = null)
    {
        var outputs = outputNames.Select(n => string.IsNullOrEmpty(n) ? null : new Value(n, DataType.Float32, null)).ToList();
        var node = new Node(name ?? $"{op.OpType}_{Nodes.Count}", op, Opset, attributes, inputs, outputs);
        InferNodeTypes(node);
        Nodes.Add(node);
        return node;
    }

    /// <summary>Adds a constant value.</summary>
    public Value AddConstant(string name, Tensor tensor)
    {
        var value = new Value(name, tensor);
        Initializers.Add(value);
        return value;
    }

    /// <summary>Runs the operator's inference on <paramref name="node"/> and stores the result in its outputs.</summary>
    public static void InferNodeTypes(Node node)
    {
        var types = InferTypes(node);
        for (var i = 0; i < node.Outputs.Count; i++)
        {
            if (node.Outputs[i] is { } output && i < types.Count)
            {
                output.ElementType = types[i].ElementType;
                output.Shape = types[i].Shape;
                output.Kind = node.Operator.OutputKind(node.Attributes, node.Inputs, i);
            }
        }
    }

    /// <summary>The operator's inferred output types for <paramref name="node"/>, errors naming the node.</summary>
    public static IReadOnlyList<TensorType> InferTypes(Node node)
    {
        try
        {
            return node.Operator.InferTypes(node.Attributes, node.Inputs);
        }
        catch (OperatorException e)
        {
            throw GraphException.ForNode(node, "shape inference", e);
        }
    }

    /// <summary>Maps every value to the nodes that read it (including epilogue operands).</summary>
    public Dictionary<Value, List<Node>> BuildUses()
    {
        var uses = new Dictionary<Value, List<Node>>();
        foreach (var node in Nodes)
        {
            foreach (var input in node.AllInputs.Distinct())
            {
                if (!uses.TryGetValue(input, out var list))
                {
                    uses[input] = list = [];
                }
                list.Add(node);
            }
        }
        return uses;
    }

    /// <summary>
    /// Redirects every reader of <paramref name="old"/> (node inputs, epilogue operands, graph outputs) to
    /// <paramref name="replacement"/>. A graph output keeps its public name: the replacement takes it.
    /// </summary>
    public void ReplaceAllUses(Value old, Value replacement)
    {
        foreach (var node in Nodes)
        {
            for (var i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i] == old)
                {
                    node.SetInput(i, replacement);
                }
            }
            for (var s = 0; s < node.Epilogue.Count; s++)
            {
                var step = node.Epilogue[s];
                if (step.Operands.Contains(old))
                {
                    node.Epilogue[s] = step with { Operands = [.. step.Operands.Select(v => v == old ? replacement : v)] };
                }
            }
        }
        for (var i = 0; i < Outputs.Count; i++)
        {
            if (Outputs[i] == old)
            {
                Outputs[i] = replacement;
                replacement.Name = old.Name;
            }
        }
    }

    /// <summary>True when <paramref name="value"/> is a graph output.</summary>
    public bool IsOutput(Value value) => Outputs.Contains(value);

    /// <summary>A value name not yet used in the graph, derived from <paramref name="stem"/>.</summary>
    public string UniqueName(string stem)
    {
        var names = new HashSet<string>(Inputs.Concat(Initializers).Concat(Nodes.SelectMany(n => n.Outputs.OfType<Value>())).Select(v => v.Name));
        if (!names.Contains(stem))
        {
            return stem;
        }
        for (var i = 1; ; i++)
        {
            var candidate = $"{stem}_{i}";
            if (!names.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"graph {Name} (opset {Opset}): {Inputs.Count} inputs, {Initializers.Count} constants, {Nodes.Count} nodes, {Outputs.Count} outputs";
}
