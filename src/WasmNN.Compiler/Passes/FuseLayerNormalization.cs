using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Passes.GraphPatterns;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Recognises the LayerNorm that exporters below opset 17 spell out in primitives and replaces it by one
/// LayerNormalization node, so it runs as one kernel (two passes over each row) instead of six (a Pow through
/// exp/log among them):
/// <code>
/// mean = ReduceMean(x, last axis)   d = Sub(x, mean)   v = ReduceMean(Pow(d, 2) or Mul(d, d), last axis)
/// y = Div(d, Sqrt(Add(v, epsilon))) [Mul(y, scale)] [Add(y, bias)]
/// </code>
/// with constant epsilon, exponent, scale and bias (PyTorch's torch.onnx.export of nn.LayerNorm at opsets 9-16).
/// Every intermediate value must be read only inside the pattern.
/// </summary>
public sealed class FuseLayerNormalization : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph) => ReplaceEach(graph, (uses, div) =>
    {
        if (Match(graph, uses, div) is not { } match)
        {
            return null;
        }
        var layerNorm = OperatorRegistry.Resolve("LayerNormalization", LayerNormOpset, div.Name);
        var scale = match.Scale ?? graph.AddConstant(graph.UniqueName(div.Name + "_scale"), Ones(match.RowLength));
        return (match.Nodes, new Node(div.Name, layerNorm, LayerNormOpset, new LayerNormalizationAttributes(-1, match.Epsilon),
            [match.X, scale, match.Bias], [match.Output]));
    });

    /// <summary>The opset of the LayerNormalization nodes this pass creates (the operator's first).</summary>
    private const int LayerNormOpset = 17;

    private sealed record Pattern(Value X, float Epsilon, Value? Scale, Value? Bias, Value Output, int RowLength, IReadOnlyList<Node> Nodes);

    private static Pattern? Match(Graph graph, Dictionary<Value, List<Node>> uses, Node div)
    {
        if (div.OpType != "Div" || div.Inputs[0]?.Producer is not { OpType: "Sub" } sub || div.Inputs[1]?.Producer is not { OpType: "Sqrt" } sqrt
            || sub.Inputs[1]?.Producer is not { OpType: "ReduceMean" } mean || sub.Inputs[0] is not { Shape: { Length: > 0 } xShape } x
            || mean.Inputs[0] != x || !ReducesLastAxis(mean, xShape.Length)
            || sqrt.Inputs[0]?.Producer is not { OpType: "Add" } addEpsilon
            || ConstantOperand(addEpsilon, out var variance) is not { } epsilonValue || ScalarConstant(epsilonValue) is not { } epsilon
            || variance.Producer is not { OpType: "ReduceMean" } varianceMean || !ReducesLastAxis(varianceMean, xShape.Length)
            || varianceMean.Inputs[0]?.Producer is not { } square || !IsSquareOf(square, sub.Outputs[0]!)
            || x.ElementType != DataType.Float32)
        {
            return null;
        }
        List<Node> nodes = [mean, sub, square, varianceMean, addEpsilon, sqrt, div];
        var rowLength = xShape[^1];
        var output = div.Outputs[0]!;
        Value? scale = null, bias = null;
        if (SoleConsumer(graph, uses, output) is { OpType: "Mul" } mul && OtherOperand(mul, output) is { } s && IsRowConstant(s, rowLength))
        {
            (scale, output) = (s, mul.Outputs[0]!);
            nodes.Add(mul);
            if (SoleConsumer(graph, uses, output) is { OpType: "Add" } add && OtherOperand(add, output) is { } b && IsRowConstant(b, rowLength))
            {
                (bias, output) = (b, add.Outputs[0]!);
                nodes.Add(add);
            }
        }
        // Intermediates read outside the pattern (or graph outputs) would lose their producer.
        if (!IntermediatesStayInside(graph, uses, nodes))
        {
            return null;
        }
        return output.Shape is { } outShape && outShape.SequenceEqual(xShape) ? new Pattern(x, epsilon, scale, bias, output, rowLength, nodes) : null;
    }

    private static bool ReducesLastAxis(Node reduce, int rank)
    {
        var a = reduce.GetAttributes<ReduceAttributes>();
        return a.KeepDims && a.Axes.TryGet(reduce.Inputs, out var axes) && axes is [var axis] && (axis == -1 || axis == rank - 1);
    }

    private static bool IsSquareOf(Node square, Value d) => square switch
    {
        { OpType: "Pow" } when square.Inputs[0] == d => square.Inputs[1] is { } e && ScalarConstant(e) == 2,
        { OpType: "Mul" } => square.Inputs[0] == d && square.Inputs[1] == d,
        _ => false,
    };

    /// <summary>For Add(variance, epsilon) in either order: the constant operand, with the other in <paramref name="other"/>.</summary>
    private static Value? ConstantOperand(Node add, out Value other)
    {
        other = null!;
        if (add.Inputs.Count != 2 || add.Inputs[0] is not { } a || add.Inputs[1] is not { } b)
        {
            return null;
        }
        (other, var constant) = b.IsConstant ? (a, b) : (b, a);
        return constant.IsConstant && !other.IsConstant ? constant : null;
    }

    /// <summary>A float32 constant of the row's length (or one value) that broadcasts onto the last axis only.</summary>
    private static bool IsRowConstant(Value value, int rowLength) =>
        value.Constant is { } c && c.DataType == DataType.Float32 && (c.Length == rowLength || c.Length == 1)
        && c.Shape.Take(c.Rank - 1).All(d => d == 1);

    private static Tensor Ones(int length) => Tensor.FromFloats([length], Enumerable.Repeat(1f, length).ToArray());
}
