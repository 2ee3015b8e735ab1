namespace WasmNN.Compiler.IR;

/// <summary>
/// Checks a graph's invariants: unique names (SSA), producers recorded, nodes in topological order, no reference
/// to a value outside the graph, constants where expected, and every node's stored output types equal to what
/// its operator infers (epilogues included). Run after every pass in tests and on request in release.
/// </summary>
public static class Verifier
{
    /// <summary>Throws a <see cref="GraphException"/> naming <paramref name="afterStage"/> and listing the problems found (the first 20).</summary>
    public static void Verify(Graph graph, string afterStage = "verification")
    {
        var problems = FindProblems(graph);
        if (problems.Count > 0)
        {
            // One line, like every other compiler error; the first problems are the ones to read.
            var more = problems.Count > 20 ? $"; and {problems.Count - 20} more" : "";
            throw new GraphException($"graph '{graph.Name}' is invalid after {afterStage}: {string.Join("; ", problems.Take(20))}{more}");
        }
    }

    /// <summary>All invariant violations, as messages naming the value or node.</summary>
    public static List<string> FindProblems(Graph graph)
    {
        var problems = new List<string>();
        var defined = new HashSet<Value>();
        var names = new HashSet<string>();

        void Define(Value value, string what)
        {
            if (!defined.Add(value))
            {
                problems.Add($"{what} '{value.Name}' is defined more than once");
            }
            if (!names.Add(value.Name))
            {
                problems.Add($"{what} '{value.Name}' reuses a name already defined (not SSA)");
            }
        }

        foreach (var input in graph.Inputs)
        {
            if (input.IsConstant || input.Producer is not null)
            {
                problems.Add($"graph input '{input.Name}' must be neither a constant nor a node output");
            }
            Define(input, "graph input");
        }
        foreach (var constant in graph.Initializers)
        {
            if (!constant.IsConstant)
            {
                problems.Add($"initializer '{constant.Name}' has no constant data");
            }
            else if (constant.ElementType != constant.Constant!.DataType || !Shapes.AreEqual(constant.Shape, constant.Constant.Shape))
            {
                problems.Add($"initializer '{constant.Name}' is typed {constant.ElementType} {Shapes.Format(constant.Shape)} but holds {constant.Constant.DataType} {Shapes.Format(constant.Constant.Shape)}");
            }
            Define(constant, "initializer");
        }
        var nodeNames = new HashSet<string>();
        foreach (var node in graph.Nodes)
        {
            var label = $"node '{node.Name}' ({node.OpType})";
            if (!nodeNames.Add(node.Name))
            {
                problems.Add($"{label}: node name is not unique");
            }
            foreach (var input in node.AllInputs)
            {
                if (!defined.Contains(input))
                {
                    problems.Add($"{label}: input '{input.Name}' is not defined before the node (dangling or out of topological order)");
                }
            }
            foreach (var output in node.Outputs.OfType<Value>())
            {
                if (output.Producer != node)
                {
                    problems.Add($"{label}: output '{output.Name}' records producer '{output.Producer?.Name ?? "none"}'");
                }
                if (output.IsConstant)
                {
                    problems.Add($"{label}: output '{output.Name}' is also a constant");
                }
                Define(output, "value");
            }
            if (node.Outputs.All(o => o is null))
            {
                problems.Add($"{label}: has no outputs");
            }
            CheckTypes(node, label, problems);
        }
        foreach (var output in graph.Outputs)
        {
            if (!defined.Contains(output))
            {
                problems.Add($"graph output '{output.Name}' is not defined by the graph");
            }
        }
        return problems;
    }

    private static void CheckTypes(Node node, string label, List<string> problems)
    {
        IReadOnlyList<TensorType> inferred;
        try
        {
            inferred = node.Operator.InferTypes(node.Attributes, node.Inputs);
        }
        catch (Exception e) when (e is OperatorException or UnsupportedOperatorException)
        {
            problems.Add($"{label}: shape inference fails: {e.Message}");
            return;
        }
        var types = inferred.ToArray();
        if (node.Epilogue.Count > 0 && types.Length > 0)
        {
            var accumulator = new Value("(accumulator)", types[0].ElementType, types[0].Shape);
            foreach (var step in node.Epilogue)
            {
                if (step.Operator.PatternKind is not (OpPatternKind.Elementwise or OpPatternKind.Broadcast))
                {
                    problems.Add($"{label}: epilogue step {step.Operator.OpType} (from '{step.SourceNodeName}') is not elementwise");
                    continue;
                }
                var operands = step.Operands.Select((v, i) => i == step.AccumulatorIndex ? accumulator : v).ToList();
                try
                {
                    var stepType = step.Operator.InferTypes(step.Attributes, operands)[0];
                    if (stepType.ElementType != types[0].ElementType || !Shapes.AreEqual(stepType.Shape, types[0].Shape))
                    {
                        problems.Add($"{label}: epilogue step {step.Operator.OpType} changes the type to {stepType.ElementType} {Shapes.Format(stepType.Shape)}");
                    }
                }
                catch (OperatorException e)
                {
                    problems.Add($"{label}: epilogue step {step.Operator.OpType} (from '{step.SourceNodeName}'): {e.Message}");
                }
            }
        }
        for (var i = 0; i < node.Outputs.Count && i < types.Length; i++)
        {
            if (node.Outputs[i] is not { } output)
            {
                continue;
            }
            if (output.ElementType != types[i].ElementType || !Compatible(output.Shape, types[i].Shape))
            {
                problems.Add($"{label}: output '{output.Name}' is recorded as {output.ElementType} {Shapes.Format(output.Shape)} but the operator infers {types[i].ElementType} {Shapes.Format(types[i].Shape)}");
            }
        }
        if (node.Outputs.Count > types.Length)
        {
            problems.Add($"{label}: has {node.Outputs.Count} outputs but the operator defines {types.Length}");
        }
    }

    /// <summary>Equal ranks and equal dimensions wherever both sides know them.</summary>
    private static bool Compatible(int[]? recorded, int[]? inferred) =>
        recorded is null || inferred is null
        || (recorded.Length == inferred.Length && recorded.Zip(inferred).All(p => p.First < 0 || p.Second < 0 || p.First == p.Second));
}
