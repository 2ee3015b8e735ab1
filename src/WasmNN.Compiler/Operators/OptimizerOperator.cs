using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// The shared form of the ai.onnx.preview.training optimizers (Adagrad, Adam, Momentum): inputs R (learning rate,
/// scalar), T (update count, int64 scalar), then n tensors per state group (X, G, then the optimizer's states);
/// outputs n tensors per updated group. Each element updates independently, so one scalar rule per operator gives
/// both the reference evaluation and, through <see cref="ExpandRule"/>, the standard-operator expansion.
/// </summary>
public abstract class OptimizerOperator : OnnxOperator, IExpandsToStandardOperators
{
    /// <summary>The training domain's name.</summary>
    public const string TrainingDomain = "ai.onnx.preview.training";

    /// <inheritdoc/>
    public override string Domain => TrainingDomain;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <summary>Input groups after R and T, in order (X and G first).</summary>
    protected abstract int InputGroups { get; }

    /// <summary>For each output group, the input group it updates.</summary>
    protected abstract int[] OutputGroups { get; }

    /// <summary>The update of one element: <paramref name="state"/> holds one value per input group; returns one per output group.</summary>
    protected abstract double[] Rule(OperatorAttributes attributes, double r, long t, double[] state);

    /// <summary>The same rule as nodes: <paramref name="state"/> holds one tensor per input group; returns one per output group.</summary>
    protected abstract Value[] ExpandRule(OperatorAttributes attributes, NodeReplacement b, Value r, Value t, Value[] state);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var n = TensorsPerGroup(inputs.Count);
        var types = new List<TensorType>();
        foreach (var group in OutputGroups)
        {
            for (var k = 0; k < n; k++)
            {
                var x = Required(inputs, 2 + group * n + k, "optimizer state");
                types.Add(new TensorType(x.ElementType, x.Shape));
            }
        }
        return types;
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var n = TensorsPerGroup(inputs.Count);
        var r = Required(inputs, 0, "R").GetDouble(0);
        var t = Required(inputs, 1, "T").GetInt64(0);
        var outputs = new Tensor[OutputGroups.Length * n];
        for (var k = 0; k < n; k++)
        {
            var groups = Enumerable.Range(0, InputGroups).Select(g => Required(inputs, 2 + g * n + k, "optimizer state")).ToArray();
            for (var o = 0; o < OutputGroups.Length; o++)
            {
                outputs[o * n + k] = Tensor.Zeros(groups[OutputGroups[o]].DataType, groups[OutputGroups[o]].Shape);
            }
            for (var i = 0; i < groups[0].Length; i++)
            {
                var updated = Rule(attributes, r, t, [.. groups.Select(g => g.GetDouble(i))]);
                for (var o = 0; o < OutputGroups.Length; o++)
                {
                    outputs[o * n + k].SetDouble(i, updated[o]);
                }
            }
        }
        return outputs;
    }

    /// <inheritdoc/>
    public void Expand(NodeReplacement replacement)
    {
        var node = replacement.Replaced;
        var n = TensorsPerGroup(node.Inputs.Count);
        var (r, t) = (Required(node.Inputs, 0, "R"), Required(node.Inputs, 1, "T"));
        for (var k = 0; k < n; k++)
        {
            var state = Enumerable.Range(0, InputGroups).Select(g => Required(node.Inputs, 2 + g * n + k, "optimizer state")).ToArray();
            var updated = ExpandRule(node.Attributes, replacement, replacement.Cast(r, state[0].ElementType), t, state);
            for (var o = 0; o < OutputGroups.Length; o++)
            {
                if (node.Outputs[o * n + k] is { } output)
                {
                    replacement.Bind(output, updated[o]);
                }
            }
        }
        replacement.Finish();
    }

    private int TensorsPerGroup(int inputCount)
    {
        if (inputCount < 2 + InputGroups || (inputCount - 2) % InputGroups != 0)
        {
            throw new OperatorException($"{OpType} takes R, T and {InputGroups} groups of equally many tensors; got {inputCount} inputs");
        }
        return (inputCount - 2) / InputGroups;
    }

    /// <summary>a * x + y, with <paramref name="a"/> a scalar of x's type.</summary>
    protected static Value ScaleAdd(NodeReplacement b, double a, Value x, Value y) =>
        b.Add("Add", [b.Add("Mul", [b.Scalar(x.ElementType, a), x]), y]);

    /// <summary>True (bool scalar) when the update count T is positive.</summary>
    protected static Value Positive(NodeReplacement b, Value t) => b.Add("Greater", [t, b.Scalar(t.ElementType, 0)]);
}
