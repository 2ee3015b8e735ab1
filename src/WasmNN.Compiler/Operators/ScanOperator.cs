using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Scan.</summary>
/// <param name="Body">Inputs: the states, one slice per scanned input, then the captured outer values.</param>
/// <param name="States">The number of state values (declared inputs that are not scanned, sequence_lens aside).</param>
/// <param name="ScanInputs">num_scan_inputs.</param>
/// <param name="Batched">Opset 8: input 0 is the optional sequence_lens and every input has a leading batch axis.</param>
/// <param name="Default">True when every scan axis is 0 and every direction forward (the only form unrolled).</param>
public sealed record ScanAttributes(Graph Body, int States, int ScanInputs, bool Batched, bool Default) : OperatorAttributes;

/// <summary>
/// ONNX Scan: runs the body once per slice of the scanned inputs along their first axis, threading the states
/// through and stacking each iteration's scan outputs. The <c>UnrollLoops</c> pass replaces it by copies of the
/// body (the sequence length is static); there is no kernel of its own.
/// </summary>
public sealed class ScanOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Scan";

    /// <inheritdoc/>
    public override int MinOpset => 8;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var body = attributes.Get("body") as Graph ?? throw new OperatorException("attribute 'body' must be a graph");
        var scanInputs = (int)attributes.GetInt("num_scan_inputs", -1);
        var batched = opset < 9;
        var states = attributes.InputCount - scanInputs - (batched ? 1 : 0);
        var isDefault = new[] { "directions", "scan_input_directions", "scan_output_directions", "scan_input_axes", "scan_output_axes" }
            .All(n => attributes.Get(n) is not long[] values || values.All(v => v == 0));
        return new ScanAttributes(body, states, scanInputs, batched, isDefault);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<ScanAttributes>(attributes);
        var offset = a.Batched ? 1 : 0;
        var length = inputs.ElementAtOrDefault(offset + a.States)?.Shape is { } scanned ? scanned[a.Batched ? 1 : 0] : -1;
        var batch = a.Batched && inputs.ElementAtOrDefault(1)?.Shape is [var b, ..] ? b : -1;
        var types = new List<TensorType>();
        for (var k = 0; k < a.Body.Outputs.Count; k++)
        {
            var output = a.Body.Outputs[k];
            if (k < a.States && inputs.ElementAtOrDefault(offset + k) is { } initial)
            {
                types.Add(new TensorType(initial.ElementType, initial.Shape));
                continue;
            }
            int[] lead = a.Batched ? [batch, length] : [length];
            types.Add(new TensorType(output.ElementType, output.Shape is { } s ? [.. lead, .. s] : null));
        }
        return types;
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ScanAttributes>(attributes);
        if (!a.Default || (a.Batched && inputs[0] is not null))
        {
            throw new UnsupportedOperatorException("Scan with other axes, directions or sequence_lens is not evaluated");
        }
        var offset = a.Batched ? 1 : 0;
        var states = inputs.Skip(offset).Take(a.States).Select(t => t!).ToList();
        var scanned = inputs.Skip(offset + a.States).Take(a.ScanInputs).Select(t => t!).ToList();
        var captures = inputs.Skip(offset + a.States + a.ScanInputs).Select(t => t!).ToList();
        if (!a.Batched)
        {
            return Sequence(a, states, scanned, captures);
        }
        var batches = Enumerable.Range(0, scanned[0].Shape[0])
            .Select(b => Sequence(a, [.. states.Select(s => Row(s, b))], [.. scanned.Select(s => Row(s, b))], captures)).ToList();
        return [.. Enumerable.Range(0, a.Body.Outputs.Count).Select(k => LoopOperator.Stack([.. batches.Select(r => r[k])], a.Body.Outputs[k]))];
    }

    private static Tensor[] Sequence(ScanAttributes a, List<Tensor> states, List<Tensor> scanned, List<Tensor> captures)
    {
        var scans = Enumerable.Range(0, a.Body.Outputs.Count - a.States).Select(_ => new List<Tensor>()).ToList();
        for (var t = 0; t < scanned[0].Shape[0]; t++)
        {
            var outputs = Subgraphs.Run(a.Body, [.. states, .. scanned.Select(s => Row(s, t)), .. captures]);
            states = [.. outputs.Take(a.States)];
            for (var k = 0; k < scans.Count; k++)
            {
                scans[k].Add(outputs[a.States + k]);
            }
        }
        return [.. states, .. scans.Select((rows, k) => LoopOperator.Stack(rows, a.Body.Outputs[a.States + k]))];
    }

    /// <summary>Entry <paramref name="index"/> of the leading axis.</summary>
    private static Tensor Row(Tensor tensor, int index)
    {
        var row = Tensor.Zeros(tensor.DataType, tensor.Shape[1..]);
        Array.Copy(tensor.Data, index * row.Length, row.Data, 0, row.Length);
        return row;
    }
}
