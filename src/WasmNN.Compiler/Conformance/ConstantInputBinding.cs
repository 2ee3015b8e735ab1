using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Conformance;

/// <summary>
/// The node tests feed every operand as a graph input, even those an exporter writes as initializers (Resize
/// scales, Pad pads: an operator's <see cref="Operator.RequiresConstantInput"/>). Every backend that compiles a
/// test binds them the same way, so this is their one home.
/// </summary>
public static class ConstantInputBinding
{
    /// <summary>
    /// Turns the graph inputs that configure a kernel into constants with the data set's values, as an exporter's
    /// initializers would be; returns them by input index. The data inputs stay run-time inputs.
    /// </summary>
    public static Dictionary<int, Tensor> Bind(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        var bound = new Dictionary<int, Tensor>();
        var uses = graph.BuildUses();
        var configuring = TripCountSources(graph);
        for (var i = graph.Inputs.Count - 1; i >= 0; i--)
        {
            var value = graph.Inputs[i];
            if (i >= inputs.Count || !uses.TryGetValue(value, out var readers) || readers.Count == 0
                || (!configuring.Contains(value) && !readers.All(n => n.Inputs.Select((v, slot) => (v, slot)).Where(p => p.v == value)
                    .All(p => n.Operator.RequiresConstantInput(n.Attributes, p.slot)))))
            {
                continue;
            }
            value.Constant = inputs[i];
            graph.Inputs.RemoveAt(i);
            graph.Initializers.Add(value);
            bound[i] = inputs[i];
        }
        return bound;
    }

    /// <summary>
    /// The values a Loop's trip count and first condition are computed from (from the range inputs, in the expanded
    /// Range tests), through any chain of nodes: graph inputs among them are bound like direct ones, so the loop
    /// unrolls as it would with an exporter's constant bounds.
    /// </summary>
    private static HashSet<Value> TripCountSources(Graph graph)
    {
        var pending = new Stack<Value>(graph.Nodes.Where(n => n.Operator is Operators.LoopOperator)
            .SelectMany(n => n.Inputs.Take(2).OfType<Value>()));
        var found = new HashSet<Value>();
        while (pending.TryPop(out var value))
        {
            if (found.Add(value) && value.Producer is { } producer)
            {
                foreach (var input in producer.AllInputs)
                {
                    pending.Push(input);
                }
            }
        }
        return found;
    }

    /// <summary>
    /// The run-time inputs of a data set once <paramref name="bound"/> are taken out; throws when a bound input
    /// differs from the value the module was built with (the test then needs a run-time operand).
    /// </summary>
    public static IReadOnlyList<Tensor> RuntimeInputs(IReadOnlyDictionary<int, Tensor> bound, IReadOnlyList<Tensor> inputs)
    {
        foreach (var (index, value) in bound)
        {
            if (!value.ToDoubleArray().SequenceEqual(inputs[index].ToDoubleArray()))
            {
                throw new UnsupportedOperatorException($"input {index} configures a kernel and differs between data sets");
            }
        }
        return [.. inputs.Where((_, i) => !bound.ContainsKey(i))];
    }
}
