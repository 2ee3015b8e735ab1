using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Gradient.</summary>
/// <param name="Xs">ONNX 'xs': the names of the tensors differentiated against (the node's first inputs).</param>
/// <param name="Zs">ONNX 'zs': names of further inputs y depends on, not differentiated (the inputs after xs).</param>
/// <param name="Y">ONNX 'y': the name of the tensor whose gradient is taken.</param>
public sealed record GradientAttributes(string[] Xs, string[] Zs, string Y) : OperatorAttributes;

/// <summary>
/// ai.onnx.preview.training Gradient (v1): output i is dY/dxs[i], the gradient of the sum of y's elements with respect
/// to xs[i] (the seed is a tensor of ones shaped like y), for y computed in the same graph.
/// </summary>
/// <remarks>
/// y is named by an attribute, not an input: the importer appends it as the node's last input
/// (<see cref="OnnxOperator.ValuesNamedByAttributes"/>), so the graph records the dependency and no pass removes or
/// renames y before the ExpandOperators pass replaces the node by the backward nodes of
/// <see cref="ReverseModeDifferentiation"/>. There is nothing to evaluate node by node.
/// </remarks>
public sealed class GradientOperator : OnnxOperator, IExpandsToStandardOperators
{
    /// <inheritdoc/>
    public override string OpType => "Gradient";

    /// <inheritdoc/>
    public override string Domain => OptimizerOperator.TrainingDomain;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var xs = attributes.Get("xs") as string[] ?? throw new OperatorException("attribute 'xs' (a list of tensor names) is required");
        var zs = attributes.Has("zs") ? attributes.Get("zs") as string[] ?? throw new OperatorException("attribute 'zs' must be a list of tensor names") : [];
        var y = attributes.GetString("y", "");
        if (y.Length == 0)
        {
            throw new OperatorException("attribute 'y' (the tensor to differentiate) is required");
        }
        if (xs.Length == 0)
        {
            throw new OperatorException("attribute 'xs' names no tensor");
        }
        return new GradientAttributes(xs, zs, y);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ValuesNamedByAttributes(OperatorAttributes attributes) => [As<GradientAttributes>(attributes).Y];

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<GradientAttributes>(attributes);
        CheckInputs(a, inputs);
        return [.. inputs.Take(a.Xs.Length).Select(x => new TensorType(x!.ElementType, x.Shape))];
    }

    /// <inheritdoc/>
    /// <exception cref="UnsupportedOperatorException">Always: the gradient depends on the graph around the node.</exception>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        throw new UnsupportedOperatorException("Gradient differentiates the graph it sits in; it is expanded at compile time (ExpandOperators), not evaluated node by node");

    /// <inheritdoc/>
    public void Expand(NodeReplacement replacement)
    {
        var node = replacement.Replaced;
        var a = As<GradientAttributes>(node.Attributes);
        CheckInputs(a, node.Inputs);
        var xs = node.Inputs.Take(a.Xs.Length).Select(v => v!).ToList();
        var gradients = ReverseModeDifferentiation.Gradients(replacement, node.Inputs[^1]!, xs);
        for (var i = 0; i < xs.Count; i++)
        {
            if (node.Outputs[i] is { } output)
            {
                replacement.Bind(output, gradients[i]);
            }
        }
        replacement.Finish();
    }

    private static void CheckInputs(GradientAttributes a, IReadOnlyList<Value?> inputs)
    {
        if (inputs.Count != a.Xs.Length + a.Zs.Length + 1 || inputs.Any(v => v is null))
        {
            throw new OperatorException($"Gradient takes the {a.Xs.Length} xs and {a.Zs.Length} zs as inputs, then y ('{a.Y}', appended by the importer); got {inputs.Count} inputs");
        }
    }
}
