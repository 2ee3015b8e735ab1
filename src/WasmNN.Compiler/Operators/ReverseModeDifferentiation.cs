using System.Collections.Frozen;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Reverse-mode differentiation at compile time, for Gradient: walks the nodes between the xs and y backwards and adds,
/// for each, standard nodes computing its inputs' gradients from its output's (the vector-Jacobian product), summing
/// where a value feeds several nodes. One rule per differentiable operator, all in <see cref="s_rules"/>; gradients
/// of broadcast operands are summed back to the operand's shape (ReduceSum + Reshape). Only floating-point values
/// carry gradients (an integer value, e.g. a Shape, ends a path).
/// </summary>
public static class ReverseModeDifferentiation
{
    /// <summary>
    /// The gradient vector-Jacobian product of one node: its inputs' gradients (null where an input has none) from
    /// <c>g</c>, the gradient of its one output.
    /// </summary>
    private delegate Value?[] Rule(Backward b, Node node, Value g);

    private static readonly FrozenDictionary<string, Rule> s_rules = new Dictionary<string, Rule>
    {
        ["Identity"] = (b, n, g) => [g],
        ["Add"] = (b, n, g) => [b.SumTo(g, n.Inputs[0]!), b.SumTo(g, n.Inputs[1]!)],
        ["Sub"] = (b, n, g) => [b.SumTo(g, n.Inputs[0]!), b.SumTo(b.Add("Neg", g), n.Inputs[1]!)],
        ["Mul"] = (b, n, g) => [b.SumTo(b.Add("Mul", g, n.Inputs[1]!), n.Inputs[0]!), b.SumTo(b.Add("Mul", g, n.Inputs[0]!), n.Inputs[1]!)],
        // d(a/b)/db = -a/b^2 = -(a/b)/b: reuses the quotient.
        ["Div"] = (b, n, g) => [b.SumTo(b.Add("Div", g, n.Inputs[1]!), n.Inputs[0]!),
            b.SumTo(b.Add("Neg", b.Add("Div", b.Add("Mul", g, n.Outputs[0]!), n.Inputs[1]!)), n.Inputs[1]!)],
        ["Neg"] = (b, n, g) => [b.Add("Neg", g)],
        // Zero where x <= 0, as PyTorch's threshold_backward.
        ["Relu"] = (b, n, g) => [b.Add("Where", b.Add("Greater", n.Inputs[0]!, b.Scalar(g, 0)), g, b.Scalar(g, 0))],
        ["Sigmoid"] = (b, n, g) => [b.Add("Mul", g, b.Add("Mul", n.Outputs[0]!, b.Add("Sub", b.Scalar(g, 1), n.Outputs[0]!)))],
        ["Tanh"] = (b, n, g) => [b.Add("Mul", g, b.Add("Sub", b.Scalar(g, 1), b.Add("Mul", n.Outputs[0]!, n.Outputs[0]!)))],
        ["Exp"] = (b, n, g) => [b.Add("Mul", g, n.Outputs[0]!)],
        ["Log"] = (b, n, g) => [b.Add("Div", g, n.Inputs[0]!)],
        ["Sqrt"] = (b, n, g) => [b.Add("Div", g, b.Add("Mul", b.Scalar(g, 2), n.Outputs[0]!))],
        ["Reciprocal"] = (b, n, g) => [b.Add("Neg", b.Add("Mul", g, b.Add("Mul", n.Outputs[0]!, n.Outputs[0]!)))],
        ["Abs"] = (b, n, g) => [b.Add("Mul", g, b.Add("Sign", n.Inputs[0]!))],
        ["LeakyRelu"] = (b, n, g) => [b.Add("Where", b.Add("Greater", n.Inputs[0]!, b.Scalar(g, 0)), g,
            b.Add("Mul", g, b.Scalar(g, ((LeakyReluAttributes)n.Attributes).Alpha)))],
        ["Pow"] = Pow,
        ["Cast"] = (b, n, g) => [n.Inputs[0]!.ElementType.IsFloat() ? b.Replacement.Cast(g, n.Inputs[0]!.ElementType) : null],
        ["ReduceSum"] = (b, n, g) => [b.Spread(g, n, 1)],
        ["ReduceMean"] = (b, n, g) => [b.Spread(g, n, ShapeOf(n.Inputs[0]!).Aggregate(1, (p, d) => p * d) / Math.Max(1, ShapeOf(g).Aggregate(1, (p, d) => p * d)))],
        // dx = y * (g - sum(g * y)) and, for LogSoftmax, g - exp(y) * sum(g), the sums over the normalised axes.
        ["Softmax"] = (b, n, g) => [b.Add("Mul", n.Outputs[0]!, b.Add("Sub", g, b.ReduceSum(b.Add("Mul", g, n.Outputs[0]!), SoftmaxAxes(n))))],
        ["LogSoftmax"] = (b, n, g) => [b.Add("Sub", g, b.Add("Mul", b.Add("Exp", n.Outputs[0]!), b.ReduceSum(g, SoftmaxAxes(n))))],
        // Layout-only operators: the gradient takes the input's shape back (their shape/axes inputs have none).
        ["Reshape"] = (b, n, g) => [b.Replacement.Reshape(g, ShapeOf(n.Inputs[0]!))],
        ["Flatten"] = (b, n, g) => [b.Replacement.Reshape(g, ShapeOf(n.Inputs[0]!))],
        ["Squeeze"] = (b, n, g) => [b.Replacement.Reshape(g, ShapeOf(n.Inputs[0]!))],
        ["Unsqueeze"] = (b, n, g) => [b.Replacement.Reshape(g, ShapeOf(n.Inputs[0]!))],
        ["Transpose"] = (b, n, g) => [b.Add("Transpose", [g], ("perm", InversePermutation(n)))],
        ["MatMul"] = MatMul,
        ["Gemm"] = Gemm,
    }.ToFrozenDictionary();

    /// <summary>The operators a path from the xs to y may hold, sorted.</summary>
    public static IReadOnlyList<string> DifferentiableOperators { get; } = [.. s_rules.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// The gradient of the sum of <paramref name="y"/>'s elements with respect to each of <paramref name="xs"/>,
    /// built before <see cref="NodeReplacement.Replaced"/> from the nodes that precede it. An x that y does not
    /// depend on gets zeros.
    /// </summary>
    /// <exception cref="UnsupportedOperatorException">A node between the xs and y has no rule, or y's shape is not static.</exception>
    /// <exception cref="OperatorException">y or an x is not floating-point.</exception>
    public static IReadOnlyList<Value> Gradients(NodeReplacement replacement, Value y, IReadOnlyList<Value> xs)
    {
        foreach (var v in xs.Append(y).Where(v => !v.ElementType.IsFloat()))
        {
            throw new OperatorException($"'{v.Name}' is {v.ElementType}; gradients are taken of and with respect to floating-point tensors");
        }
        var graph = replacement.Graph;
        var before = graph.Nodes.Take(graph.Nodes.IndexOf(replacement.Replaced)).ToList();
        // Forward: the values computed from an x. Backward: of those nodes, the ones y is computed from.
        var fromX = new HashSet<Value>(xs);
        var reached = new List<Node>();
        foreach (var node in before.Where(n => n.Inputs.Any(v => v is not null && fromX.Contains(v))))
        {
            reached.Add(node);
            fromX.UnionWith(node.Outputs.OfType<Value>().Where(o => o.ElementType.IsFloat()));
        }
        var needed = new HashSet<Value> { y };
        var path = new List<Node>();
        for (var i = reached.Count - 1; i >= 0; i--)
        {
            if (reached[i].Outputs.Any(o => o is not null && needed.Contains(o)))
            {
                path.Add(reached[i]);
                needed.UnionWith(reached[i].Inputs.OfType<Value>().Where(fromX.Contains));
            }
        }
        var b = new Backward(replacement);
        var gradients = new Dictionary<Value, Value> { [y] = b.Constant(y, 1) };
        foreach (var node in path)
        {
            if (!s_rules.TryGetValue(node.Operator.OpType, out var rule) || node.Outputs.Count != 1)
            {
                throw new UnsupportedOperatorException($"Gradient: node '{node.Name}' ({node.Operator.OpType}) lies between the xs and y and has no derivative here; differentiable: {string.Join(", ", DifferentiableOperators)}");
            }
            if (!gradients.TryGetValue(node.Outputs[0]!, out var g))
            {
                continue;
            }
            var inputGradients = rule(b, node, g);
            for (var i = 0; i < inputGradients.Length; i++)
            {
                if (inputGradients[i] is { } d && node.Inputs[i] is { } input && fromX.Contains(input))
                {
                    gradients[input] = gradients.TryGetValue(input, out var sum) ? b.Add("Add", sum, d) : d;
                }
            }
        }
        return [.. xs.Select(x => gradients.GetValueOrDefault(x) ?? b.Constant(x, 0))];
    }

    private static int[] ShapeOf(Value value) =>
        value.Shape is { } shape && Shapes.IsStatic(shape) ? shape : throw new UnsupportedOperatorException($"Gradient: '{value.Name}' has no static shape");

    private static long[] InversePermutation(Node transpose)
    {
        var rank = ShapeOf(transpose.Inputs[0]!).Length;
        var perm = (transpose.Attributes as TransposeAttributes)?.Perm ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
        var inverse = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            inverse[perm[i]] = i;
        }
        return inverse;
    }

    /// <summary>The axes a Softmax/LogSoftmax normalises over: its axis, or every axis from it before opset 13.</summary>
    private static long[] SoftmaxAxes(Node n)
    {
        var a = (SoftmaxAttributes)n.Attributes;
        var rank = ShapeOf(n.Inputs[0]!).Length;
        var axis = Shapes.NormalizeAxis(a.Axis, rank);
        return a.CoerceTo2D ? [.. Enumerable.Range(axis, rank - axis).Select(i => (long)i)] : [axis];
    }

    /// <summary>y = a^b: da = g b a^(b-1); db = g y ln(a) (for a floating-point exponent).</summary>
    private static Value?[] Pow(Backward b, Node n, Value g)
    {
        var (a, e) = (n.Inputs[0]!, n.Inputs[1]!);
        var exponent = b.Replacement.Cast(e, a.ElementType);
        var da = b.SumTo(b.Add("Mul", g, b.Add("Mul", exponent, b.Add("Pow", a, b.Add("Sub", exponent, b.Scalar(a, 1))))), a);
        var de = e.ElementType.IsFloat() ? b.SumTo(b.Add("Mul", b.Add("Mul", g, n.Outputs[0]!), b.Add("Log", a)), e) : null;
        return [da, de];
    }

    /// <summary>
    /// C = A B over the last two axes, batch axes broadcast: dA = g B^T and dB = A^T g, summed back to each operand's
    /// batch shape. A 1-D operand is a row (A) or column (B) for the product and gets its own shape back.
    /// </summary>
    private static Value?[] MatMul(Backward b, Node n, Value g)
    {
        var (a, m) = (n.Inputs[0]!, n.Inputs[1]!);
        var (aShape, mShape) = (ShapeOf(a), ShapeOf(m));
        var a2 = aShape.Length == 1 ? b.Replacement.Reshape(a, [1, aShape[0]]) : a;
        var m2 = mShape.Length == 1 ? b.Replacement.Reshape(m, [mShape[0], 1]) : m;
        var (a2Shape, m2Shape) = (ShapeOf(a2), ShapeOf(m2));
        var batch = Shapes.Broadcast(a2Shape[..^2], m2Shape[..^2]);
        var g2 = b.Replacement.Reshape(g, [.. batch, a2Shape[^2], m2Shape[^1]]);
        var da = b.SumTo(b.Add("MatMul", g2, b.SwapLastAxes(m2)), a2);
        var dm = b.SumTo(b.Add("MatMul", b.SwapLastAxes(a2), g2), m2);
        return [b.Replacement.Reshape(da, aShape), b.Replacement.Reshape(dm, mShape)];
    }

    /// <summary>Y = alpha A' B' + beta C (A' = A or A^T): dA' = alpha g B'^T, dB' = alpha A'^T g, dC = beta g summed to C's shape.</summary>
    private static Value?[] Gemm(Backward b, Node n, Value g)
    {
        var attributes = (GemmAttributes)n.Attributes;
        var (a, m, c) = (n.Inputs[0]!, n.Inputs[1]!, n.Inputs.Count > 2 ? n.Inputs[2] : null);
        var scaled = attributes.Alpha == 1f ? g : b.Add("Mul", g, b.Scalar(g, attributes.Alpha));
        var aUsed = attributes.TransA ? b.SwapLastAxes(a) : a;
        var mUsed = attributes.TransB ? b.SwapLastAxes(m) : m;
        var daUsed = b.Add("MatMul", scaled, b.SwapLastAxes(mUsed));
        var dmUsed = b.Add("MatMul", b.SwapLastAxes(aUsed), scaled);
        var dc = c is null ? null : b.SumTo(attributes.Beta == 1f ? g : b.Add("Mul", g, b.Scalar(g, attributes.Beta)), c);
        return [attributes.TransA ? b.SwapLastAxes(daUsed) : daUsed, attributes.TransB ? b.SwapLastAxes(dmUsed) : dmUsed, dc];
    }

    /// <summary>The node builder of one backward pass, with the helpers the rules share.</summary>
    private sealed class Backward(NodeReplacement replacement)
    {
        public NodeReplacement Replacement => replacement;

        public Value Add(string opType, params Value[] inputs) => replacement.Add(opType, inputs);

        public Value Add(string opType, Value[] inputs, params (string Name, object Value)[] attributes) => replacement.Add(opType, inputs, attributes);

        /// <summary>A scalar of <paramref name="like"/>'s element type.</summary>
        public Value Scalar(Value like, double value) => replacement.Scalar(like.ElementType, value);

        /// <summary>A constant filled with <paramref name="value"/>, shaped and typed like <paramref name="like"/>.</summary>
        public Value Constant(Value like, double value)
        {
            var shape = ShapeOf(like);
            return replacement.Constant(Tensor.FromDoubles(like.ElementType, shape, [.. Enumerable.Repeat(value, Shapes.ElementCount(shape))]));
        }

        /// <summary><paramref name="value"/> with its last two axes swapped.</summary>
        public Value SwapLastAxes(Value value)
        {
            var rank = ShapeOf(value).Length;
            long[] perm = [.. Enumerable.Range(0, rank).Select(i => (long)(i == rank - 2 ? rank - 1 : i == rank - 1 ? rank - 2 : i))];
            return Add("Transpose", [value], ("perm", perm));
        }

        /// <summary>
        /// <paramref name="g"/>, the gradient of a broadcast result, summed over the axes along which
        /// <paramref name="operand"/> was broadcast, in the operand's shape.
        /// </summary>
        public Value SumTo(Value g, Value operand)
        {
            var (shape, target) = (ShapeOf(g), ShapeOf(operand));
            if (Shapes.AreEqual(shape, target))
            {
                return g;
            }
            var lead = shape.Length - target.Length;
            long[] axes = [.. Enumerable.Range(0, shape.Length).Where(i => i < lead || (target[i - lead] == 1 && shape[i] != 1)).Select(i => (long)i)];
            return replacement.Reshape(axes.Length > 0 ? ReduceSum(g, axes) : g, target);
        }

        /// <summary>The sum of <paramref name="value"/> over <paramref name="axes"/>, keeping them as size-1 axes.</summary>
        public Value ReduceSum(Value value, long[] axes) =>
            // ReduceSum took its axes as an attribute before opset 13, as an input since.
            replacement.Graph.Opset < 13
                ? replacement.Add("ReduceSum", [value], ("axes", axes), ("keepdims", 1L))
                : replacement.Add("ReduceSum", [value, replacement.Int64s(axes)], ("keepdims", 1L));

        /// <summary>
        /// The gradient of a reduction's input: <paramref name="g"/> (the reduced gradient) with the reduced axes
        /// restored as size 1, expanded back over the input's shape and divided by <paramref name="divisor"/> (the
        /// elements per sum, for a mean).
        /// </summary>
        public Value Spread(Value g, Node reduction, int divisor)
        {
            var input = ShapeOf(reduction.Inputs[0]!);
            var kept = Shapes.AreEqual(ShapeOf(g), input) ? input : KeptShape(reduction, input);
            var spread = Add("Expand", replacement.Reshape(g, kept), replacement.Int64s([.. input.Select(d => (long)d)]));
            return divisor == 1 ? spread : Add("Div", spread, Scalar(g, divisor));
        }

        private static int[] KeptShape(Node reduction, int[] input)
        {
            var a = (ReduceAttributes)reduction.Attributes;
            if (!a.Axes.TryGet(reduction.Inputs, out var axes))
            {
                throw new UnsupportedOperatorException($"Gradient: node '{reduction.Name}' ({reduction.Operator.OpType}) reduces over run-time axes");
            }
            var reduced = axes is { Length: > 0 } ? axes.Select(axis => Shapes.NormalizeAxis(axis, input.Length)).ToHashSet() : Enumerable.Range(0, input.Length).ToHashSet();
            return [.. input.Select((d, i) => reduced.Contains(i) ? 1 : d)];
        }
    }
}
