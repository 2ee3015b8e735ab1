using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Builds graph nodes by ONNX op_type: resolves the operator and parses its raw attributes.</summary>
public static class GraphBuilding
{
    /// <summary>Creates a node from an op_type and raw attributes, infers its output types, and appends it.</summary>
    /// <param name="graph">The graph; its opset selects the operator version.</param>
    /// <param name="opType">ONNX op_type.</param>
    /// <param name="inputs">Inputs (null for omitted optional ones).</param>
    /// <param name="outputNames">Names of the outputs to create (null or empty entries are omitted outputs).</param>
    /// <param name="attributes">Raw ONNX attributes, or null for none.</param>
    /// <param name="name">Node name; generated when null.</param>
    /// <exception cref="UnsupportedOperatorException">No operator covers <paramref name="opType"/> at the graph's opset.</exception>
    /// <exception cref="GraphException">An attribute is invalid (the message names the node).</exception>
    public static Node AddNode(this Graph graph, string opType, IEnumerable<Value?> inputs, IReadOnlyList<string?> outputNames, AttributeBag? attributes = null, string? name = null)
    {
        var op = OperatorRegistry.Resolve(opType, graph.Opset, name ?? opType);
        var nodeName = name ?? $"{opType}_{graph.Nodes.Count}";
        OperatorAttributes typed;
        try
        {
            typed = op.ParseAttributes(attributes ?? AttributeBag.Empty, graph.Opset);
        }
        catch (OperatorException e)
        {
            throw new GraphException($"node '{nodeName}' ({opType}, opset {graph.Opset}): {e.Message}", e);
        }
        return graph.AddNode(op, typed, inputs, outputNames, nodeName);
    }
}
