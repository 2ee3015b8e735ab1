namespace WasmNN.Compiler.IR;

/// <summary>
/// One operator application. Absent optional inputs and outputs are null entries, so positions keep their
/// ONNX meaning. After <c>FuseElementwise</c> a node may carry an <see cref="Epilogue"/>: elementwise steps applied
/// to output 0 in the same kernel.
/// </summary>
public sealed class Node
{
    private readonly List<Value?> _inputs;
    private readonly List<Value?> _outputs;

    /// <summary>Creates a node and makes it the producer of its outputs.</summary>
    public Node(string name, Operator op, int opset, OperatorAttributes attributes, IEnumerable<Value?> inputs, IEnumerable<Value?> outputs)
    {
        Name = name;
        Operator = op;
        Opset = opset;
        Attributes = attributes;
        _inputs = [.. inputs];
        _outputs = [.. outputs];
        foreach (var output in _outputs)
        {
            output?.Producer = this;
        }
    }

    /// <summary>Node name (the ONNX node name, or a generated one).</summary>
    public string Name { get; set; }

    /// <summary>The operator definition.</summary>
    public Operator Operator { get; }

    /// <summary>ONNX op_type.</summary>
    public string OpType => Operator.OpType;

    /// <summary>The ai.onnx opset version the node was imported under.</summary>
    public int Opset { get; }

    /// <summary>Typed attributes (the operator's own record type).</summary>
    public OperatorAttributes Attributes { get; set; }

    /// <summary>Inputs in ONNX order; null for an omitted optional input.</summary>
    public IReadOnlyList<Value?> Inputs => _inputs;

    /// <summary>Outputs in ONNX order; null for an omitted optional output.</summary>
    public IReadOnlyList<Value?> Outputs => _outputs;

    /// <summary>Elementwise steps fused after the main computation, applied in order to output 0.</summary>
    public List<EpilogueStep> Epilogue { get; } = [];

    /// <summary>Every value this node reads, including epilogue operands.</summary>
    public IEnumerable<Value> AllInputs =>
        _inputs.OfType<Value>().Concat(Epilogue.SelectMany(s => s.Operands.OfType<Value>()));

    /// <summary>Replaces input <paramref name="index"/>.</summary>
    public void SetInput(int index, Value? value) => _inputs[index] = value;

    /// <summary>Replaces output <paramref name="index"/>, taking ownership of the new value.</summary>
    public void SetOutput(int index, Value? value)
    {
        _outputs[index] = value;
        value?.Producer = this;
    }

    /// <summary>Typed attributes.</summary>
    public T GetAttributes<T>() where T : OperatorAttributes =>
        Attributes as T ?? throw new GraphException($"node '{Name}' ({OpType}) holds {Attributes.GetType().Name}, not {typeof(T).Name}");

    /// <inheritdoc/>
    public override string ToString()
    {
        var epilogue = Epilogue.Count == 0 ? "" : " + " + string.Join(" + ", Epilogue.Select(s => s.Operator.OpType));
        return $"{string.Join(", ", _outputs.Select(o => o?.Name ?? "_"))} = {OpType}{epilogue}({string.Join(", ", _inputs.Select(i => i?.Name ?? "_"))})";
    }
}

/// <summary>
/// One elementwise operator fused onto an anchor node's output. <see cref="Operands"/> are the operator's inputs
/// in ONNX order, with the running value at <see cref="AccumulatorIndex"/> (that entry is null).
/// </summary>
/// <param name="Operator">An elementwise or broadcast operator.</param>
/// <param name="Attributes">Its typed attributes.</param>
/// <param name="Operands">Inputs in ONNX order; the accumulator slot is null.</param>
/// <param name="AccumulatorIndex">Which input the running value feeds.</param>
/// <param name="SourceNodeName">The name of the node this step came from (for diagnostics).</param>
public sealed record EpilogueStep(Operator Operator, OperatorAttributes Attributes, IReadOnlyList<Value?> Operands, int AccumulatorIndex, string SourceNodeName);
