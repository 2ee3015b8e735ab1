using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Passes.GraphPatterns;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Recognises the exact GELU that exporters below opset 20 spell out and replaces it by one Gelu node:
/// <code>
/// e = Erf(Div(x, sqrt 2) or Mul(x, 1/sqrt 2))   a = Add(e, 1)
/// y = Mul(Mul(x, a), 0.5)  (torch.nn.functional.gelu)   or   Mul(Mul(x, 0.5), a)  (x * 0.5 * (1 + erf(...)))
/// </code>
/// Gelu is elementwise with one input, so FuseElementwise then folds it into the producing GEMM's tile (bias Add
/// and GELU applied to the accumulators before the one store); spelled out, x is read twice and the chain was a
/// kernel of its own reading and writing the whole FFN activation.
/// </summary>
public sealed class FuseGelu : IGraphPass
{
    /// <summary>The opset of the Gelu nodes this pass creates (the operator's first).</summary>
    private const int GeluOpset = 20;

    private const float Tolerance = 1e-6f;

    /// <inheritdoc/>
    public bool Run(Graph graph) => ReplaceEach(graph, (uses, erf) =>
    {
        if (Match(graph, uses, erf) is not { } match)
        {
            return null;
        }
        var last = match.Nodes[^1];
        var gelu = OperatorRegistry.Resolve("Gelu", GeluOpset, last.Name);
        return (match.Nodes, new Node(last.Name, gelu, GeluOpset, new GeluAttributes(Tanh: false), [match.X], [last.Outputs[0]]));
    });

    private sealed record Pattern(Value X, IReadOnlyList<Node> Nodes);

    private static Pattern? Match(Graph graph, Dictionary<Value, List<Node>> uses, Node erf)
    {
        if (erf.OpType != "Erf" || erf.Inputs[0]?.Producer is not { } scale || !IsScaleByInverseSqrt2(scale, out var x)
            || x.ElementType != DataType.Float32 || SoleConsumer(graph, uses, erf.Outputs[0]!) is not { OpType: "Add" } addOne
            || !IsConstant(OtherOperand(addOne, erf.Outputs[0]!), 1) || SoleConsumer(graph, uses, addOne.Outputs[0]!) is not { OpType: "Mul" } outer)
        {
            return null;
        }
        var onePlusErf = addOne.Outputs[0]!;
        List<Node> nodes = [scale, erf, addOne];
        if (OtherOperand(outer, onePlusErf) == x && SoleConsumer(graph, uses, outer.Outputs[0]!) is { OpType: "Mul" } half
            && IsConstant(OtherOperand(half, outer.Outputs[0]!), 0.5f))
        {
            nodes.AddRange([outer, half]); // Mul(Mul(x, 1 + erf), 0.5)
        }
        else if (OtherOperand(outer, onePlusErf)?.Producer is { OpType: "Mul" } halfX && IsConstant(OtherOperand(halfX, x), 0.5f))
        {
            nodes.AddRange([halfX, outer]); // Mul(Mul(x, 0.5), 1 + erf)
        }
        else
        {
            return null;
        }
        // Every value but the result must be read only inside the pattern (x itself is read by it twice).
        if (!IntermediatesStayInside(graph, uses, nodes))
        {
            return null;
        }
        return Shapes.AreEqual(nodes[^1].Outputs[0]!.Shape, x.Shape) ? new Pattern(x, nodes) : null;
    }

    /// <summary>Div(x, sqrt 2) or Mul(x, 1/sqrt 2) in either operand order; <paramref name="x"/> the other operand.</summary>
    private static bool IsScaleByInverseSqrt2(Node node, out Value x)
    {
        x = null!;
        if (node.Inputs.Count != 2 || node.Inputs[0] is not { } a || node.Inputs[1] is not { } b)
        {
            return false;
        }
        if (node.OpType == "Div" && IsConstant(b, MathF.Sqrt(2)))
        {
            x = a;
            return !a.IsConstant;
        }
        if (node.OpType == "Mul" && (IsConstant(b, 1 / MathF.Sqrt(2)) || IsConstant(a, 1 / MathF.Sqrt(2))))
        {
            x = IsConstant(b, 1 / MathF.Sqrt(2)) ? a : b;
            return !x.IsConstant;
        }
        return false;
    }

    private static bool IsConstant(Value? value, float expected) => ScalarConstant(value) is { } c && MathF.Abs(c - expected) <= Tolerance * MathF.Abs(expected);
}
