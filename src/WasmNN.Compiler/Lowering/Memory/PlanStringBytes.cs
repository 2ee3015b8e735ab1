using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Lowering.Memory;

/// <summary>
/// Gives every string value the UTF-8 capacity of its buffer (<see cref="Value.StringBytes"/>,
/// <see cref="StringTensorLayout"/>) before memory is planned: a graph input the capacity the compile options give
/// (<see cref="CompileOptions.StringBytes"/>, else <see cref="CompileOptions.DefaultStringBytesPerElement"/> per
/// element), a constant exactly its bytes, a node output what its operator bounds from its inputs, in graph order.
/// </summary>
internal static class PlanStringBytes
{
    /// <exception cref="ArgumentException">A capacity names no string input, or is negative.</exception>
    /// <exception cref="UnsupportedOperatorException">A node makes strings without bounding their bytes.</exception>
    public static void Run(Graph graph, IReadOnlyDictionary<string, int> inputBytes)
    {
        foreach (var (name, bytes) in inputBytes)
        {
            if (!graph.Inputs.Any(v => v.Name == name && v.ElementType.IsString()) || bytes < 0)
            {
                throw new ArgumentException($"string capacity {name}={bytes}: {(bytes < 0 ? "a capacity is at least 0 bytes" : $"the model has no string input '{name}'")} (string inputs: {string.Join(", ", graph.Inputs.Where(v => v.ElementType.IsString()).Select(v => v.Name).DefaultIfEmpty("none"))})");
            }
        }
        foreach (var input in graph.Inputs.Where(v => v.ElementType.IsString()))
        {
            input.StringBytes = inputBytes.TryGetValue(input.Name, out var bytes) ? bytes
                : checked(CompileOptions.DefaultStringBytesPerElement * Math.Max(1, Shapes.ElementCount(input.Shape!)));
        }
        foreach (var constant in graph.Nodes.SelectMany(n => n.AllInputs).Concat(graph.Outputs).Where(v => v.Constant is { DataType: DataType.String }))
        {
            constant.StringBytes = constant.Constant!.StringBytes;
        }
        foreach (var node in graph.Nodes)
        {
            for (var i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i] is not { ElementType: DataType.String } output)
                {
                    continue;
                }
                try
                {
                    output.StringBytes = node.Operator is IStringOutputOperator strings ? strings.OutputStringBytes(node.Attributes, node.Inputs, i)
                        : throw new OperatorException("the operator does not bound the bytes of its string outputs");
                }
                catch (Exception e) when (e is OperatorException or OverflowException)
                {
                    throw new UnsupportedOperatorException($"node '{node.Name}' ({node.OpType}): string output '{output.Name}': {e.Message}");
                }
            }
        }
    }
}
