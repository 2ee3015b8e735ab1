using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Replaces each Loop whose trip count and conditions are known at compile time, and each Scan (its sequence length
/// is static), by one copy of the body per iteration: the carried values and states thread from copy to copy, each
/// Scan slice is a Gather of the scanned input, and each scan output is the iterations' values stacked by Unsqueeze
/// and Concat. Folding runs after each copy, so a condition computed in the body (a constant after folding) ends
/// the loop where it turns false. Loops whose condition is computed from run-time data, bodies holding nested
/// subgraphs, Scans with other axes or directions, and more than <see cref="MaxNodes"/> copied nodes are reported
/// unsupported with the reason.
/// </summary>
public sealed class UnrollLoops : IGraphPass, IRewritesOperators
{
    /// <summary>The largest number of body nodes all copies of one loop may add.</summary>
    public const int MaxNodes = 20_000;

    /// <inheritdoc/>
    public IReadOnlyList<string> RewrittenOpTypes { get; } = ["Loop", "Scan"];

    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        while (graph.Nodes.FirstOrDefault(n => n.Operator is ScanOperator || (n.Operator is LoopOperator && Unrollable(n))) is { } node)
        {
            var position = graph.Nodes.IndexOf(node);
            graph.Nodes.RemoveAt(position);
            var unrolled = new Unrolling(graph, node);
            if (node.Operator is LoopOperator)
            {
                unrolled.Loop();
            }
            else
            {
                unrolled.Scan();
            }
            graph.Nodes.InsertRange(position, unrolled.Nodes);
            new FoldConstants().Run(graph);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Whether the Loop's trip count and first condition are compile-time constants; a test harness may bind them
    /// later, so a Loop that is not is left for <see cref="Explain"/>.
    /// </summary>
    private static bool Unrollable(Node node) =>
        node.Inputs[0] is not { } m ? node.Inputs[1] is null or { IsConstant: true } : m.IsConstant && node.Inputs[1] is null or { IsConstant: true };

    /// <summary>Why a Loop left in the graph is not compiled (thrown before lowering).</summary>
    /// <exception cref="UnsupportedOperatorException">Always, naming the node and the run-time input.</exception>
    public static void Explain(Graph graph)
    {
        if (graph.Nodes.FirstOrDefault(n => n.Operator is LoopOperator) is { } node)
        {
            var input = node.Inputs[0] is { IsConstant: false } m ? m : node.Inputs[1]!;
            throw new UnsupportedOperatorException($"node '{node.Name}' (Loop, opset {node.Opset}): '{input.Name}' (the trip count or first condition) " +
                "is computed at run time; loops are unrolled, which needs both at compile time (data-dependent loops are not compiled yet)");
        }
    }

    private sealed class Unrolling(Graph graph, Node node)
    {
        private int _copies;

        public List<Node> Nodes { get; } = [];

        private UnsupportedOperatorException Unsupported(string reason) => new($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {reason}");

        public void Loop()
        {
            var a = node.GetAttributes<LoopAttributes>();
            var captures = node.Inputs.Skip(2 + a.Carried).ToList();
            long? trips = node.Inputs[0] is { } m ? ReferenceMath.ConstantInts(m) is [var count] ? count
                : throw Unsupported($"the trip count '{m.Name}' is computed at run time; loops are unrolled, which needs it at compile time") : null;
            var condition = node.Inputs[1];
            var carried = node.Inputs.Skip(2).Take(a.Carried).Select(v => v!).ToList();
            var scans = new List<List<Value>>();
            for (long i = 0; trips is not { } t || i < t; i++)
            {
                if (condition is not null && IsFalse(condition))
                {
                    break;
                }
                if (trips is null && i >= MaxNodes)
                {
                    throw Unsupported("no trip count and the condition stays true at compile time");
                }
                var iteration = Constant($"{node.Name}/iter_{i}", Tensor.FromInt64s([], [i]));
                var condIn = condition ?? Constant($"{node.Name}/cond_{i}", new Tensor(DataType.Bool, [], new[] { true }));
                var outputs = Copy(a.Body, [iteration, condIn, .. carried, .. captures], $"{node.Name}/iter{i}/");
                condition = outputs[0];
                carried = outputs.Skip(1).Take(a.Carried).ToList();
                scans.Add(outputs.Skip(1 + a.Carried).ToList());
            }
            Finish(carried, scans, a.Body.Outputs.Count - 1 - a.Carried, a.Body, 1 + a.Carried);
        }

        public void Scan()
        {
            var a = node.GetAttributes<ScanAttributes>();
            if (!a.Default)
            {
                throw Unsupported("only scan axes 0 and forward directions are unrolled");
            }
            var offset = a.Batched ? 1 : 0;
            if (a.Batched && node.Inputs[0] is not null)
            {
                throw Unsupported("sequence_lens is not supported (every sequence must have the full length)");
            }
            var states = node.Inputs.Skip(offset).Take(a.States).Select(v => v!).ToList();
            var scanned = node.Inputs.Skip(offset + a.States).Take(a.ScanInputs).Select(v => v!).ToList();
            var captures = node.Inputs.Skip(offset + a.States + a.ScanInputs).ToList();
            if (scanned.Any(v => !Shapes.IsStatic(v.Shape)))
            {
                throw Unsupported("the scanned inputs need static shapes");
            }
            var scanOutputs = a.Body.Outputs.Count - a.States;
            if (!a.Batched)
            {
                var (final, stacked) = ScanSequence(a, states, scanned, captures, node.Name);
                Bind(final, stacked, scanOutputs);
                return;
            }
            // Opset 8: each batch entry is a sequence of its own; results are stacked on the batch axis.
            var batch = scanned[0].Shape![0];
            var finals = new List<List<Value>>();
            var outputs = new List<List<Value>>();
            for (var b = 0; b < batch; b++)
            {
                var index = Constant($"{node.Name}/batch_{b}", Tensor.FromInt64s([], [b]));
                var (final, stacked) = ScanSequence(a, [.. states.Select(s => Gather(s, index))], [.. scanned.Select(s => Gather(s, index))], captures, $"{node.Name}/b{b}");
                finals.Add(final);
                outputs.Add(stacked);
            }
            Bind([.. Enumerable.Range(0, a.States).Select(k => Stack([.. finals.Select(f => f[k])]))],
                [.. Enumerable.Range(0, scanOutputs).Select(k => Stack([.. outputs.Select(o => o[k])]))], scanOutputs);
        }

        private (List<Value> Final, List<Value> Stacked) ScanSequence(ScanAttributes a, List<Value> states, List<Value> scanned, List<Value?> captures, string prefix)
        {
            var length = scanned[0].Shape![0];
            var scans = new List<List<Value>>();
            for (var t = 0; t < length; t++)
            {
                var index = Constant($"{prefix}/step_{t}", Tensor.FromInt64s([], [t]));
                var outputs = Copy(a.Body, [.. states, .. scanned.Select(s => Gather(s, index)), .. captures], $"{prefix}/step{t}/");
                states = outputs.Take(a.States).ToList();
                scans.Add(outputs.Skip(a.States).ToList());
            }
            if (length == 0)
            {
                throw Unsupported("a sequence of length 0 is not supported");
            }
            return (states, [.. Enumerable.Range(0, a.Body.Outputs.Count - a.States).Select(k => Stack([.. scans.Select(s => s[k])]))]);
        }

        private void Finish(List<Value> carried, List<List<Value>> scans, int scanOutputs, Graph body, int firstScan)
        {
            if (scans.Count == 0 && scanOutputs > 0)
            {
                throw Unsupported("the loop runs no iteration, so its scan outputs would be empty");
            }
            Bind(carried, [.. Enumerable.Range(0, scanOutputs).Select(k => Stack([.. scans.Select(s => s[k])]))], scanOutputs);
        }

        /// <summary>The node's outputs become copies (Identity) of the final values and stacked scan outputs.</summary>
        private void Bind(List<Value> final, List<Value> stacked, int scanOutputs)
        {
            var values = final.Concat(stacked).ToList();
            for (var k = 0; k < node.Outputs.Count && k < values.Count; k++)
            {
                if (node.Outputs[k] is { } output)
                {
                    Add("Identity", [values[k]], output, $"{node.Name}/out_{k}");
                }
            }
        }

        private static bool IsFalse(Value condition) => condition.Constant is { } c && c.GetDouble(0) == 0;

        /// <summary>A copy of the body reading <paramref name="inputs"/> (in body input order); returns its outputs.</summary>
        private List<Value> Copy(Graph body, IReadOnlyList<Value?> inputs, string prefix)
        {
            if (body.Nodes.Any(n => n.Attributes.GetType().GetProperties().Any(p => p.PropertyType == typeof(Graph))))
            {
                throw Unsupported("the body holds a nested subgraph (If, Loop or Scan), which is not unrolled");
            }
            _copies += body.Nodes.Count;
            if (_copies > MaxNodes)
            {
                throw Unsupported($"unrolling would copy more than {MaxNodes} nodes");
            }
            var map = new Dictionary<Value, Value>();
            for (var i = 0; i < body.Inputs.Count; i++)
            {
                map[body.Inputs[i]] = inputs[i] ?? throw Unsupported($"body input '{body.Inputs[i].Name}' has no value");
            }
            foreach (var constant in body.Initializers)
            {
                map[constant] = Constant(prefix + constant.Name, constant.Constant!);
            }
            foreach (var inner in body.Nodes)
            {
                var outputs = inner.Outputs.Select(o => o is null ? null : map[o] = new Value(prefix + o.Name, o.ElementType, o.Shape)).ToList();
                var copy = new Node(prefix + inner.Name, inner.Operator, inner.Opset, inner.Attributes, inner.Inputs.Select(v => v is null ? null : map[v]), outputs);
                Graph.InferNodeTypes(copy);
                Nodes.Add(copy);
            }
            return [.. body.Outputs.Select(o => map[o])];
        }

        private Value Constant(string name, Tensor tensor)
        {
            var value = new Value(name, tensor);
            graph.Initializers.Add(value);
            return value;
        }

        private Value Gather(Value data, Value index) => Add("Gather", [data, index], null, $"{node.Name}/slice_{_copies}_{Nodes.Count}");

        /// <summary>The values stacked on a new leading axis.</summary>
        private Value Stack(List<Value> values)
        {
            var axes = Constant($"{node.Name}/axes_{Nodes.Count}", Tensor.FromInt64s([1], [0]));
            var rows = values.Select(v => Add("Unsqueeze", [v, axes], null, $"{node.Name}/stack_{Nodes.Count}")).ToList();
            return rows.Count == 1 ? rows[0] : Add("Concat", [.. rows], null, $"{node.Name}/concat_{Nodes.Count}", ("axis", 0L));
        }

        private Value Add(string opType, Value[] inputs, Value? output, string name, params (string Name, object Value)[] attributes)
        {
            // Unsqueeze takes its axes as an input from opset 13 on, as these nodes pass them.
            var opset = opType == "Unsqueeze" ? Math.Max(13, node.Opset) : node.Opset;
            var op = OperatorRegistry.Resolve(opType, opset, name);
            output ??= new Value(name, DataType.Float32, null);
            var created = new Node(name, op, opset, op.ParseAttributes(new AttributeBag(attributes), opset), inputs, [output]);
            Graph.InferNodeTypes(created);
            Nodes.Add(created);
            return output;
        }
    }
}
