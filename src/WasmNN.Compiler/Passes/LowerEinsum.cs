using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Rewrites each Einsum into the nodes the backend already runs fast: a repeated label in one operand (a diagonal)
/// as a Mul by an identity mask and a ReduceSum; labels only one operand has and nobody needs as a ReduceSum; each
/// pair of operands as Transpose + Reshape to [batch, m, k] and [batch, k, n], one MatMul (the SIMD GEMM) and a
/// Reshape back; a final Transpose to the output order.
/// </summary>
/// <remarks>
/// Needs static shapes and float32 or float64 operands (float64 computes in float32: MatMul's kernels are float32,
/// so the result carries float32 rounding); a batch label whose extents differ between
/// the two operands (broadcast ellipsis) is not lowered. Those give an "unsupported equation" error naming the node.
/// </remarks>
public sealed class LowerEinsum : IGraphPass, IRewritesOperators
{
    /// <inheritdoc/>
    public IReadOnlyList<string> RewrittenOpTypes { get; } = ["Einsum"];

    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.OpType != "Einsum")
            {
                continue;
            }
            var equation = node.GetAttributes<EinsumAttributes>().Equation;
            try
            {
                Lower(graph, node);
            }
            catch (OperatorException e)
            {
                throw new UnsupportedOperatorException($"node '{node.Name}' (Einsum): unsupported equation '{equation}': {e.Message}");
            }
            changed = true;
        }
        return changed;
    }

    private static void Lower(Graph graph, Node node)
    {
        var inputs = node.Inputs.Select(v => v!).ToArray();
        if (inputs.Any(v => !Shapes.IsStatic(v.Shape)))
        {
            throw new OperatorException("the operands need static shapes");
        }
        var elementType = inputs[0].ElementType;
        if (elementType is not (DataType.Float32 or DataType.Float64))
        {
            throw new OperatorException($"{elementType} operands (the lowering runs on MatMul, which takes float32 and float64)");
        }
        var labels = EinsumEquation.Parse(node.GetAttributes<EinsumAttributes>().Equation).Resolve([.. inputs.Select(v => v.Shape!.Length)]);
        var builder = new Builder(graph, node.Name);
        // MatMul's kernels compute in float32: float64 operands are rounded to it, and the result widened back.
        var operands = inputs.Select((v, k) => new Operand(elementType == DataType.Float64 ? builder.Cast(v, DataType.Float32) : v, [.. labels.Inputs[k]])).ToList();
        for (var k = 0; k < operands.Count; k++)
        {
            operands[k] = builder.TakeDiagonals(operands[k]);
        }
        var current = operands[0];
        for (var k = 1; k <= operands.Count; k++)
        {
            // Labels still needed after this step: the output's and those of the operands not yet combined.
            var needed = labels.Output.Concat(operands.Skip(k + 1).SelectMany(o => o.Labels)).ToHashSet();
            if (k == operands.Count)
            {
                current = builder.SumOut(current, needed);
                break;
            }
            var next = operands[k];
            current = builder.Contract(builder.SumOut(current, [.. needed, .. next.Labels]), builder.SumOut(next, [.. needed, .. current.Labels]), needed);
        }
        var result = builder.Transpose(current, labels.Output).Value;
        builder.Finish(node, elementType == DataType.Float64 ? builder.Cast(result, DataType.Float64) : result);
    }

    /// <summary>A value and the label of each of its axes.</summary>
    private sealed record Operand(Value Value, List<int> Labels)
    {
        public int[] Shape => Value.Shape!;

        public int Extent(int label) => Shape[Labels.IndexOf(label)];
    }

    /// <summary>Adds the replacement nodes, named after the Einsum node, and splices them in where it stood.</summary>
    private sealed class Builder(Graph graph, string stem)
    {
        private readonly List<Node> _added = [];

        /// <summary>Removes repeated labels: x * eye over the two axes, summed over the second.</summary>
        public Operand TakeDiagonals(Operand operand)
        {
            while (operand.Labels.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                var first = operand.Labels.IndexOf(repeated.Key);
                var second = operand.Labels.IndexOf(repeated.Key, first + 1);
                var n = operand.Shape[first];
                if (operand.Shape[second] != n)
                {
                    throw new OperatorException($"the diagonal of label '{EinsumLabels.Name(repeated.Key)}' is over axes of extents {n} and {operand.Shape[second]}");
                }
                var maskShape = operand.Shape.Select((_, d) => d == first || d == second ? n : 1).ToArray();
                var mask = new double[n * n];
                for (var i = 0; i < n; i++)
                {
                    mask[i * n + i] = 1;
                }
                var eye = graph.AddConstant(graph.UniqueName($"{stem}_eye"), Tensor.FromDoubles(operand.Value.ElementType, maskShape, mask));
                var masked = Add("Mul", [operand.Value, eye]);
                var labels = operand.Labels.Where((_, d) => d != second).ToList();
                operand = new Operand(ReduceSum(masked, [second]), labels);
            }
            return operand;
        }

        /// <summary>Sums away the axes whose label is not in <paramref name="keep"/>.</summary>
        public Operand SumOut(Operand operand, HashSet<int> keep)
        {
            var axes = operand.Labels.Select((l, d) => (l, d)).Where(p => !keep.Contains(p.l)).Select(p => p.d).ToArray();
            return axes.Length == 0 ? operand : new Operand(ReduceSum(operand.Value, axes), [.. operand.Labels.Where(l => keep.Contains(l))]);
        }

        /// <summary>
        /// The product of two operands summed over the labels they share and <paramref name="needed"/> lacks: batch
        /// labels (shared and needed) lead, then a's own, then b's own.
        /// </summary>
        public Operand Contract(Operand a, Operand b, IReadOnlySet<int> needed)
        {
            var shared = a.Labels.Intersect(b.Labels).ToList();
            var batch = shared.Where(needed.Contains).ToList();
            var contracted = shared.Where(l => !needed.Contains(l)).ToList();
            var aOwn = a.Labels.Except(shared).ToList();
            var bOwn = b.Labels.Except(shared).ToList();
            foreach (var label in shared.Where(l => a.Extent(l) != b.Extent(l)))
            {
                throw new OperatorException($"label '{EinsumLabels.Name(label)}' has extents {a.Extent(label)} and {b.Extent(label)} (broadcasting)");
            }
            int Size(Operand o, IEnumerable<int> ls) => ls.Aggregate(1, (p, l) => p * o.Extent(l));
            var (batchSize, m, k, n) = (Size(a, batch), Size(a, aOwn), Size(a, contracted), Size(b, bOwn));
            int[] Lead(int[] rest) => batch.Count == 0 ? rest : [batchSize, .. rest];
            var left = Reshape(Transpose(a, [.. batch, .. aOwn, .. contracted]).Value, Lead([m, k]));
            var right = Reshape(Transpose(b, [.. batch, .. contracted, .. bOwn]).Value, Lead([k, n]));
            var product = Add("MatMul", [left, right]);
            List<int> labels = [.. batch, .. aOwn, .. bOwn];
            int[] shape = [.. batch.Select(a.Extent), .. aOwn.Select(a.Extent), .. bOwn.Select(b.Extent)];
            return new Operand(Reshape(product, shape), labels);
        }

        /// <summary>The operand with its axes in the order of <paramref name="order"/> (no node when already so).</summary>
        public Operand Transpose(Operand operand, IReadOnlyList<int> order)
        {
            if (operand.Labels.SequenceEqual(order))
            {
                return operand;
            }
            var perm = order.Select(l => (long)operand.Labels.IndexOf(l)).ToArray();
            return new Operand(Add("Transpose", [operand.Value], new AttributeBag(("perm", perm))), [.. order]);
        }

        /// <summary>Splices the added nodes in at the Einsum's place and lets its readers read <paramref name="result"/>.</summary>
        public void Finish(Node einsum, Value result)
        {
            if (_added.Count == 0)
            {
                // The equation is the identity: still one node, so the output keeps a producer.
                result = Add("Identity", [result]);
            }
            foreach (var node in _added)
            {
                graph.Nodes.Remove(node);
            }
            var at = graph.Nodes.IndexOf(einsum);
            graph.Nodes.InsertRange(at, _added);
            graph.Nodes.Remove(einsum);
            graph.ReplaceAllUses(einsum.Outputs[0]!, result);
        }

        public Value Cast(Value value, DataType type) => Add("Cast", [value], new AttributeBag(("to", (long)OnnxDataTypes.ToOnnx(type))));

        private Value Reshape(Value value, int[] shape) =>
            Shapes.AreEqual(value.Shape, shape) ? value
            : Add("Reshape", [value, graph.AddConstant(graph.UniqueName($"{stem}_shape"), Tensor.FromInt64s([shape.Length], [.. shape.Select(d => (long)d)]))]);

        private Value ReduceSum(Value value, int[] axes)
        {
            var longAxes = axes.Select(a => (long)a).ToArray();
            return graph.Opset >= 13
                ? Add("ReduceSum", [value, graph.AddConstant(graph.UniqueName($"{stem}_axes"), Tensor.FromInt64s([axes.Length], longAxes))], new AttributeBag(("keepdims", 0L)))
                : Add("ReduceSum", [value], new AttributeBag(("axes", longAxes), ("keepdims", 0L)));
        }

        private Value Add(string opType, Value[] inputs, AttributeBag? attributes = null)
        {
            var name = graph.UniqueName($"{stem}_{opType.ToLowerInvariant()}");
            var node = graph.AddNode(opType, inputs, [name], attributes, name);
            _added.Add(node);
            return node.Outputs[0]!;
        }
    }
}
