using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Execution;

/// <summary>
/// Interprets a graph node by node with each operator's reference evaluation, applying fused epilogues.
/// Slow and simple: the oracle for tests, not a runtime.
/// </summary>
public sealed class ReferenceExecutor : IGraphExecutor
{
    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Execute(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != graph.Inputs.Count)
        {
            throw new GraphException($"graph '{graph.Name}' takes {graph.Inputs.Count} inputs, {inputs.Count} given");
        }
        var values = new Dictionary<Value, Tensor>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var declared = graph.Inputs[i];
            var given = inputs[i];
            var shapeMatches = declared.Shape is null || (declared.Shape.Length == given.Rank
                && declared.Shape.Zip(given.Shape).All(p => p.First < 0 || p.First == p.Second));
            if (given.DataType != declared.ElementType || !shapeMatches)
            {
                throw new GraphException($"input '{declared.Name}' expects {declared.ElementType} {Shapes.Format(declared.Shape)}, got {given.DataType} {Shapes.Format(given.Shape)}");
            }
            values[declared] = given;
        }
        foreach (var constant in graph.Initializers)
        {
            values[constant] = constant.Constant!;
        }
        foreach (var node in graph.Nodes)
        {
            Tensor Read(Value v) => values.TryGetValue(v, out var t) ? t : v.Constant
                ?? throw new GraphException($"node '{node.Name}' ({node.OpType}): input '{v.Name}' has no value yet");
            var args = node.Inputs.Select(v => v is null ? null : Read(v)).ToList();
            Tensor[] results;
            try
            {
                results = node.Operator.Evaluate(node.Attributes, args);
                foreach (var step in node.Epilogue)
                {
                    var stepArgs = step.Operands.Select((v, k) => k == step.AccumulatorIndex ? results[0] : v is null ? null : Read(v)).ToList();
                    results[0] = step.Operator.Evaluate(step.Attributes, stepArgs)[0];
                }
            }
            catch (OperatorException e)
            {
                throw GraphException.ForNode(node, "evaluation", e);
            }
            catch (UnsupportedOperatorException e)
            {
                throw new UnsupportedOperatorException($"node '{node.Name}' ({node.OpType}, opset {node.Opset}): {e.Message}", e);
            }
            for (var i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i] is { } output)
                {
                    values[output] = i < results.Length ? results[i]
                        : throw new GraphException($"node '{node.Name}' ({node.OpType}) produced {results.Length} outputs, graph expects {node.Outputs.Count}");
                }
            }
        }
        return [.. graph.Outputs.Select(o => values.TryGetValue(o, out var t) ? t : o.Constant
            ?? throw new GraphException($"graph output '{o.Name}' was not computed"))];
    }
}
