using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of SequenceMap.</summary>
/// <param name="Body">ONNX 'body': the graph applied to each element (its inputs: one per node input, then captured outer values).</param>
/// <param name="Declared">How many of the node's inputs are its own (the rest are the body's captured outer values).</param>
public sealed record SequenceMapAttributes(Graph Body, int Declared) : OperatorAttributes;

/// <summary>
/// ONNX SequenceMap (opset 17): the body applied to each element i of the input sequence, with element i of each
/// further sequence input and each further tensor input as it is; every body output gathers into a sequence.
/// Resolved as one copy of the body per element.
/// </summary>
public sealed class SequenceMapOperator : SequenceOperator
{
    /// <inheritdoc/>
    public override string OpType => "SequenceMap";

    /// <inheritdoc/>
    public override int MinOpset => 17;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SequenceMapAttributes(attributes.Get("body") as Graph ?? throw new OperatorException("attribute 'body' must be a graph"), attributes.InputCount);

    /// <inheritdoc/>
    public override ValueKind OutputKind(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) => ValueKind.Sequence;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [.. As<SequenceMapAttributes>(attributes).Body.Outputs.Select(o => new TensorType(o.ElementType, null))];

    /// <inheritdoc/>
    public override IReadOnlyList<ResolvedValue>? Resolve(OperatorAttributes attributes, NodeReplacement b, IReadOnlyList<ResolvedValue?> inputs)
    {
        var a = As<SequenceMapAttributes>(attributes);
        var count = Required(inputs, 0, "input_sequence").RequireSequence("input 0").Count;
        if (inputs.Take(a.Declared).FirstOrDefault(v => v?.Elements is { } e && e.Count != count) is { } other)
        {
            throw new OperatorException($"the input sequences differ in length ({count} and {other.Elements!.Count})");
        }
        var outputs = a.Body.Outputs.Select(_ => new List<Value>()).ToList();
        for (var i = 0; i < count; i++)
        {
            var bodyInputs = inputs.Select((v, k) => k < a.Declared && v?.Elements is { } elements ? elements[i] : v!.RequireTensor($"input {k}")).ToList();
            var results = b.Inline(a.Body, bodyInputs, $"{b.Replaced.Name}/{i}/");
            for (var o = 0; o < results.Count; o++)
            {
                outputs[o].Add(results[o]);
            }
        }
        return [.. outputs.Select(ResolvedValue.Sequence)];
    }
}
