using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Onnx;

namespace WasmNN.Compiler.Conformance;

/// <summary>
/// One test-data value as the compiled module takes or gives it (docs/ABI.md, "Sequences and optionals"): a tensor;
/// a sequence as its elements in order; an optional as the value it holds, or nothing when empty.
/// </summary>
/// <param name="Tensors">The tensors, flattened in order.</param>
/// <param name="Kind">What the value is.</param>
/// <param name="IsEmpty">True for an empty optional.</param>
public sealed record TestDataValue(IReadOnlyList<Tensor> Tensors, ValueKind Kind, bool IsEmpty)
{
    /// <summary>
    /// Reads <paramref name="path"/> (a serialized TensorProto, SequenceProto or OptionalProto, as the graph value of
    /// kind <paramref name="kind"/> declares).
    /// </summary>
    /// <exception cref="OnnxFormatException">The file is unreadable or not that message.</exception>
    /// <exception cref="UnsupportedOperatorException">A sequence of other than tensors (maps, nested sequences).</exception>
    public static TestDataValue Read(string path, ValueKind kind)
    {
        switch (kind)
        {
            case ValueKind.Sequence:
                return new(Elements(OnnxModelLoader.LoadSequence(path), path), kind, false);
            case ValueKind.OptionalTensor or ValueKind.OptionalSequence:
                var optional = OnnxModelLoader.LoadOptional(path);
                return optional.TensorValue is { } tensor ? new([OnnxTensors.ToTensor(tensor, path)], kind, false)
                    : optional.SequenceValue is { } sequence ? new(Elements(sequence, path), kind, false)
                    : optional.ElemType == 0 ? new([], kind, true)
                    : throw new UnsupportedOperatorException($"{path}: an optional holding element type {optional.ElemType} (only tensors and sequences of tensors are read)");
            default:
                return new([OnnxTensors.ToTensor(OnnxModelLoader.LoadTensor(path), path)], kind, false);
        }
    }

    private static List<Tensor> Elements(Onnx.Protos.SequenceProto sequence, string path) =>
        sequence.SequenceValues.Count > 0 || sequence.OptionalValues.Count > 0 || sequence.SparseTensorValues.Count > 0
            ? throw new UnsupportedOperatorException($"{path}: a sequence of other than dense tensors (only sequences of tensors are read)")
            : [.. sequence.TensorValues.Select(t => OnnxTensors.ToTensor(t, path))];

    /// <summary>
    /// Rewrites <paramref name="graph"/>'s inputs into the module's tensor inputs for <paramref name="values"/> (one
    /// per input, in order): a sequence input NAME becomes inputs NAME.0, NAME.1, ... (the data's element shapes)
    /// feeding a SequenceConstruct (a SequenceEmpty when it has none); an optional input becomes its value's input(s)
    /// (a tensor keeps the name NAME) feeding an Optional node, or no input and an empty Optional. A tensor input the
    /// model leaves dynamic takes the data's shape, as <c>--shape</c> would give it.
    /// </summary>
    public static void BindInputs(Graph graph, IReadOnlyList<TestDataValue> values)
    {
        var inputs = graph.Inputs.ToList();
        graph.Inputs.Clear();
        var constructors = new List<Node>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (i >= values.Count)
            {
                graph.Inputs.Add(input);
                continue;
            }
            var value = values[i];
            if (input.Kind == ValueKind.Tensor)
            {
                if (!Shapes.IsStatic(input.Shape) && value.Tensors is [var data])
                {
                    input.Shape = data.Shape;
                }
                graph.Inputs.Add(input);
                continue;
            }
            var sequence = input.Kind is ValueKind.Sequence or ValueKind.OptionalSequence;
            var elements = value.Tensors.Select((t, k) => new Value(sequence ? $"{input.Name}.{k}" : input.Name, t.DataType, t.Shape)).ToList();
            graph.Inputs.AddRange(elements);
            // The composite keeps its Value (readers stay as they are); it is renamed so an element can take the name.
            var name = input.Name;
            input.Name = $"{name}/{input.Kind.ToString().ToLowerInvariant()}";
            Value? held = sequence && !value.IsEmpty ? Add(elements.Count == 0 ? "SequenceEmpty" : "SequenceConstruct", elements,
                elements.Count == 0 ? new AttributeBag(("dtype", (long)OnnxDataTypes.ToOnnx(input.ElementType))) : null, $"{name}/sequence", input.Kind == ValueKind.Sequence ? input : null)
                : elements.FirstOrDefault();
            if (input.Kind is ValueKind.OptionalTensor or ValueKind.OptionalSequence)
            {
                Add("Optional", held is null ? [] : [held], new AttributeBag(("type", OptionalOperator.TypeOf(input))), $"{name}/optional", input);
            }
        }
        graph.Nodes.InsertRange(0, constructors);

        Value Add(string opType, IReadOnlyList<Value> operands, AttributeBag? attributes, string nodeName, Value? output)
        {
            // The constructors exist from opset 11 (sequences) and 15 (optionals) on, whatever the model's opset.
            var opset = Math.Max(graph.Opset, OperatorRegistry.All.First(o => o.OpType == opType).MinOpset);
            var op = OperatorRegistry.Resolve(opType, opset, nodeName);
            output ??= new Value(nodeName, DataType.Float32, null);
            var node = new Node(nodeName, op, opset, op.ParseAttributes(attributes ?? AttributeBag.Empty, opset), operands, [output]);
            Graph.InferNodeTypes(node);
            constructors.Add(node);
            return output;
        }
    }
}
