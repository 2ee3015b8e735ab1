using System.Globalization;
using System.Reflection;
using System.Text;

namespace WasmNN.Compiler.IR;

/// <summary>
/// Prints a graph as deterministic, readable text: inputs, initializers (small ones in full, larger ones summarised
/// by count and range, never dumped), nodes in order with their operator, typed attributes, inputs, typed outputs
/// and fused epilogue steps, then the outputs. Used by <c>--dump-after</c> and the passes' golden tests, so equal
/// graphs print equal text on every machine.
/// </summary>
/// <example>
/// <code>
/// graph conv_bn (opset 13)
/// input %x: float32[1,2,5,5]
/// const %b: float32[3] = [0.5, -1, 2]
/// node conv1 = Conv(%x, %w, %b) {AutoPad="NOTSET", Group=1, Pads=[1,1,1,1]} -> %c: float32[1,3,5,5]
///   epilogue Relu(@) from relu1
/// output %c
/// </code>
/// </example>
public static class GraphPrinter
{
    /// <summary>Constants with at most this many elements are printed in full.</summary>
    public const int MaxPrintedElements = 16;

    /// <summary>The printed form of <paramref name="graph"/>, lines ending in '\n'.</summary>
    public static string Print(Graph graph)
    {
        var text = new StringBuilder();
        text.Append($"graph {graph.Name} (opset {graph.Opset})\n");
        foreach (var input in graph.Inputs)
        {
            text.Append($"input {Typed(input)}\n");
        }
        foreach (var constant in graph.Initializers)
        {
            text.Append($"const {Typed(constant)}");
            if (constant.Constant is { } tensor)
            {
                text.Append(' ').Append(Contents(tensor));
            }
            text.Append('\n');
        }
        foreach (var node in graph.Nodes)
        {
            text.Append($"node {node.Name} = {node.OpType}({Operands(node.Inputs, -1)}){Attributes(node.Attributes)} -> ");
            text.Append(string.Join(", ", node.Outputs.Select(o => o is null ? "_" : Typed(o)))).Append('\n');
            foreach (var step in node.Epilogue)
            {
                text.Append($"  epilogue {step.Operator.OpType}({Operands(step.Operands, step.AccumulatorIndex)}){Attributes(step.Attributes)} from {step.SourceNodeName}\n");
            }
        }
        foreach (var output in graph.Outputs)
        {
            text.Append($"output %{output.Name}\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// "%name: float32[1,3,?,8]"; "[]" is a scalar, "[*]" an unknown rank; a run-time length is "&lt;=N" (its maximum).
    /// </summary>
    public static string Typed(Value value) => value.Kind != ValueKind.Tensor
        ? $"%{value.Name}: {value.Kind.ToString().ToLowerInvariant()}<{Type(value.ElementType, value.Shape)}>"
        : value.RuntimeDims is { } dims && value.Shape is { } shape
        ? $"%{value.Name}: {value.ElementType.ToString().ToLowerInvariant()}[{string.Join(",", shape.Select((d, k) => dims[k] is null ? Number(d) : $"<={Number(d)}"))}]"
        : $"%{value.Name}: {Type(value.ElementType, value.Shape)}";

    /// <summary>"float32[1,3,?,8]"; "[]" is a scalar, "[*]" an unknown rank.</summary>
    public static string Type(DataType elementType, int[]? shape) =>
        $"{elementType.ToString().ToLowerInvariant()}[{(shape is null ? "*" : string.Join(",", shape.Select(d => d < 0 ? "?" : Number(d))))}]";

    /// <summary>"= [1, 2, 3]" for small tensors, "{1000 values in [-1, 1]}" otherwise.</summary>
    public static string Contents(Tensor tensor)
    {
        if (tensor.DataType == DataType.String)
        {
            var strings = tensor.AsStrings();
            return strings.Length <= MaxPrintedElements ? $"= [{string.Join(", ", strings.Select(Format))}]" : $"{{{Number(strings.Length)} strings}}";
        }
        // Integers as long: int64 constants such as Slice's "to the end" (2^63 - 1) do not survive a double.
        var (count, min, max, all) = tensor.DataType.IsFloat()
            ? Summary(tensor.ToDoubleArray(), v => Element(tensor.DataType, v))
            : Summary(tensor.ToInt64Array(), v => tensor.DataType == DataType.Bool ? (v != 0 ? "true" : "false") : Number(v));
        return all is not null ? $"= [{string.Join(", ", all)}]" : $"{{{Number(count)} values in [{min}, {max}]}}";
    }

    private static (int Count, string Min, string Max, IEnumerable<string>? All) Summary<T>(T[] values, Func<T, string> format) =>
        values.Length <= MaxPrintedElements
            ? (values.Length, "", "", values.Select(format))
            : (values.Length, format(values.Min()!), format(values.Max()!), null);

    private static string Operands(IReadOnlyList<Value?> operands, int accumulatorIndex) =>
        string.Join(", ", operands.Select((v, i) => i == accumulatorIndex ? "@" : v is null ? "_" : $"%{v.Name}"));

    /// <summary>The record's properties in declaration order: " {Name=value, ...}", or "" for none.</summary>
    private static string Attributes(OperatorAttributes attributes)
    {
        var properties = Properties(attributes);
        return properties.Count == 0 ? "" : $" {{{string.Join(", ", properties.Select(p => $"{p.Name}={Format(p.GetValue(attributes))}"))}}}";
    }

    private static List<PropertyInfo> Properties(object value) =>
        [.. value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.MetadataToken)];

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        Tensor t => $"{Type(t.DataType, t.Shape)} {Contents(t)}",
        Graph g => $"graph {g.Name} ({g.Inputs.Count} inputs, {g.Nodes.Count} nodes, {g.Outputs.Count} outputs)",
        Array array => $"[{string.Join(",", array.Cast<object?>().Select(Format))}]",
        _ => $"{value.GetType().Name}({string.Join(", ", Properties(value).Select(p => $"{p.Name}={Format(p.GetValue(value))}"))})",
    };

    private static string Element(DataType type, double value) =>
        type == DataType.Float32 ? ((float)value).ToString("R", CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
