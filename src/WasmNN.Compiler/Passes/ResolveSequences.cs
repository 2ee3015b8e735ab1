using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Turns sequences and optionals into the tensors they are made of: walking the nodes in order, each sequence
/// operator whose inputs are known (every sequence's elements, every position a constant) is replaced through its
/// <see cref="SequenceOperator.Resolve"/>; Identity passes a resolved value on. A graph output that is a sequence
/// becomes one output per element (<c>NAME.0</c>, <c>NAME.1</c>, ...; docs/ABI.md), an optional one its value or
/// nothing. A resolved value still read by another node (a Loop carrying a sequence) is rebuilt just before it by a
/// SequenceConstruct/SequenceEmpty/Optional node, so a later run (after unrolling) resolves it there. What is left
/// (a sequence whose length or a position depends on run-time data) <see cref="Explain"/> reports.
/// </summary>
public sealed class ResolveSequences : IGraphPass, IRewritesOperators
{
    /// <inheritdoc/>
    public IReadOnlyList<string> RewrittenOpTypes { get; } =
        [.. OperatorRegistry.All.OfType<SequenceOperator>().Select(op => op.OpType).Order(StringComparer.Ordinal)];

    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var resolved = new Dictionary<Value, ResolvedValue>();
        var changed = false;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.Operator is SequenceOperator op && Resolve(graph, node, op, resolved))
            {
                changed = true;
            }
            else if (node.OpType == "Identity" && node.Inputs[0] is { Kind: not ValueKind.Tensor } input && resolved.TryGetValue(input, out var passed))
            {
                resolved[node.Outputs[0]!] = passed;
                graph.Nodes.Remove(node);
                changed = true;
            }
            else
            {
                Rebuild(graph, node, resolved);
            }
        }
        changed |= ExpandOutputs(graph, resolved);
        if (changed)
        {
            // Lengths and elements are constants now: shape chains and positions computed from them fold.
            new FoldConstants().Run(graph);
        }
        return changed;
    }

    /// <summary>Refuses a graph input that is a sequence or optional (checked before the passes fix input shapes).</summary>
    /// <exception cref="UnsupportedOperatorException">An input is a sequence or optional.</exception>
    public static void RequireTensorInputs(Graph graph)
    {
        if (graph.Inputs.FirstOrDefault(v => v.Kind != ValueKind.Tensor) is { } input)
        {
            throw new UnsupportedOperatorException($"graph input '{input.Name}' is a {Describe(input.Kind)}; compiling one needs its length and " +
                "element shapes, which only the ONNX test harness gives so far (docs/ABI.md: one tensor input per element)");
        }
    }

    /// <summary>Why a sequence or optional is left in the graph (thrown before lowering); nothing when none is.</summary>
    /// <exception cref="UnsupportedOperatorException">A value is still a sequence or optional.</exception>
    public static void Explain(Graph graph)
    {
        RequireTensorInputs(graph);
        if (graph.Nodes.FirstOrDefault(n => n.Outputs.Concat(n.Inputs).Any(v => v is { Kind: not ValueKind.Tensor })) is { } node)
        {
            var value = node.Outputs.Concat(node.Inputs).First(v => v is { Kind: not ValueKind.Tensor })!;
            throw new UnsupportedOperatorException($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {Describe(value.Kind)} '{value.Name}' is not known at " +
                "compile time (a length or position depends on run-time data, or it passes through a subgraph that is not unrolled); " +
                "sequences and optionals are resolved into tensors at compile time");
        }
    }

    private static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.Sequence => "sequence",
        ValueKind.OptionalTensor => "optional tensor",
        _ => "optional sequence",
    };

    private static bool Resolve(Graph graph, Node node, SequenceOperator op, Dictionary<Value, ResolvedValue> resolved)
    {
        var inputs = new List<ResolvedValue?>();
        for (var i = 0; i < node.Inputs.Count; i++)
        {
            var input = node.Inputs[i];
            if (input is not null && ((input.Kind != ValueKind.Tensor && !resolved.ContainsKey(input)) || (op.RequiresConstantInput(node.Attributes, i) && !input.IsConstant)))
            {
                return false;
            }
            inputs.Add(input is null ? null : input.Kind == ValueKind.Tensor ? ResolvedValue.Of(input) : resolved[input]);
        }
        var replacement = new NodeReplacement(graph, node);
        IReadOnlyList<ResolvedValue> outputs;
        try
        {
            outputs = op.Resolve(node.Attributes, replacement, inputs)!;
        }
        catch (OperatorException e)
        {
            throw GraphException.ForNode(node, "sequence resolution", e);
        }
        for (var i = 0; i < node.Outputs.Count; i++)
        {
            if (node.Outputs[i] is not { } output)
            {
                continue;
            }
            if (output.Kind == ValueKind.Tensor)
            {
                replacement.Bind(output, outputs[i].RequireTensor($"output {i}"));
            }
            else
            {
                resolved[output] = outputs[i];
            }
        }
        replacement.Finish();
        return true;
    }

    /// <summary>Rebuilds each resolved value <paramref name="node"/> (one not replaced in this run) reads, just before it.</summary>
    private static void Rebuild(Graph graph, Node node, Dictionary<Value, ResolvedValue> resolved)
    {
        for (var i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { Kind: not ValueKind.Tensor } input && resolved.TryGetValue(input, out var value))
            {
                var builder = new NodeReplacement(graph, node);
                var sequence = value.Elements is { } elements
                    ? elements.Count == 0
                        ? builder.Add("SequenceEmpty", [], ("dtype", (long)OnnxDataTypes.ToOnnx(input.ElementType)))
                        : builder.Add("SequenceConstruct", elements)
                    : value.Tensor;
                node.SetInput(i, input.Kind is ValueKind.OptionalTensor or ValueKind.OptionalSequence
                    ? builder.Add("Optional", sequence is null ? [] : [sequence], ("type", OptionalOperator.TypeOf(input))) : sequence);
            }
        }
    }

    /// <summary>Replaces each resolved graph output by the tensors it holds, named after it.</summary>
    private static bool ExpandOutputs(Graph graph, Dictionary<Value, ResolvedValue> resolved)
    {
        var changed = false;
        for (var i = graph.Outputs.Count - 1; i >= 0; i--)
        {
            var output = graph.Outputs[i];
            if (output.Kind == ValueKind.Tensor || !resolved.TryGetValue(output, out var value))
            {
                continue;
            }
            var tensors = value.Flatten();
            var names = value.Elements is null ? [output.Name] : tensors.Select((_, k) => $"{output.Name}.{k}").ToList();
            graph.Outputs.RemoveAt(i);
            graph.Outputs.InsertRange(i, tensors.Select((t, k) => graph.AddNode("Identity", [t], [names[k]], name: graph.UniqueName($"{names[k]}/copy")).Outputs[0]!));
            changed = true;
        }
        return changed;
    }
}
