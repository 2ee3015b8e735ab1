using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// The sizes a caller chose for a model's dynamic input dimensions: whole input shapes by input name, and symbolic
/// dimensions (ONNX dim_param, e.g. "batch") by name, which apply wherever the symbol appears.
/// </summary>
/// <param name="InputShapes">Full shape of an input, by input name.</param>
/// <param name="Dimensions">Size of a symbolic dimension, by dim_param name.</param>
public sealed record ShapeBindings(IReadOnlyDictionary<string, int[]> InputShapes, IReadOnlyDictionary<string, int> Dimensions)
{
    /// <summary>No bindings: every input must already be static.</summary>
    public static ShapeBindings None { get; } = new(new Dictionary<string, int[]>(), new Dictionary<string, int>());
}

/// <summary>
/// The caller's shape bindings do not fit the model (unknown input or symbol, wrong rank, a size that is not
/// positive or contradicts a static dimension), or an input stays dynamic without one. A usage error: the
/// message is one line naming the input or symbol and the flag that fixes it.
/// </summary>
public sealed class InputShapeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InputShapeException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping a cause.</summary>
    public InputShapeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message.</summary>
    public InputShapeException() { }
}

/// <summary>
/// Fixes the graph inputs' dynamic dimensions to the sizes in <see cref="ShapeBindings"/>, before any other pass,
/// so that shape inference and constant folding see static shapes and fold the exporters' shape subgraphs. Every
/// input must end up static: otherwise one error lists every dynamic input, its unfixed dimensions (with their
/// dim_param names) and the flags that fix them.
/// </summary>
/// <param name="bindings">The caller's sizes.</param>
public sealed class FixInputShapes(ShapeBindings bindings) : IGraphPass
{
    /// <inheritdoc/>
    /// <exception cref="InputShapeException">A binding does not fit, or an input stays dynamic.</exception>
    public bool Run(Graph graph)
    {
        Validate(graph);
        var changed = false;
        foreach (var input in graph.Inputs)
        {
            var shape = Resolve(input);
            if (shape is not null && !Shapes.AreEqual(shape, input.Shape))
            {
                input.Shape = shape;
                changed = true;
            }
        }
        var dynamic = graph.Inputs.Where(i => !Shapes.IsStatic(i.Shape)).ToList();
        if (dynamic.Count > 0)
        {
            throw new InputShapeException(string.Join("; ", dynamic.Select(Describe)));
        }
        return changed;
    }

    private void Validate(Graph graph)
    {
        foreach (var (name, shape) in bindings.InputShapes)
        {
            var input = graph.Inputs.Find(i => i.Name == name)
                ?? throw new InputShapeException($"--shape {name}=...: the model has no input '{name}' (inputs: {string.Join(", ", graph.Inputs.Select(i => i.Name))})");
            if (Array.FindIndex(shape, d => d <= 0) is var bad and >= 0)
            {
                throw new InputShapeException($"--shape {name}={string.Join(',', shape)}: dimension sizes must be positive (dimension {bad} is {shape[bad]})");
            }
            if (input.Shape is { } declared)
            {
                if (declared.Length != shape.Length)
                {
                    throw new InputShapeException($"--shape {name}={string.Join(',', shape)}: input '{name}' has rank {declared.Length} ({Shapes.Format(declared)}), not {shape.Length}");
                }
                for (var d = 0; d < declared.Length; d++)
                {
                    if (declared[d] >= 0 && declared[d] != shape[d])
                    {
                        throw new InputShapeException($"--shape {name}={string.Join(',', shape)}: dimension {d} of input '{name}' is fixed at {declared[d]} by the model ({Shapes.Format(declared)})");
                    }
                    if (input.DimNames?[d] is { } symbol and not Value.UnnamedDimension && bindings.Dimensions.TryGetValue(symbol, out var size) && size != shape[d])
                    {
                        throw new InputShapeException($"--shape {name}={string.Join(',', shape)} sets dimension {d} ('{symbol}') to {shape[d]} but --dim {symbol}={size}");
                    }
                }
            }
        }
        var symbols = graph.Inputs.SelectMany(i => i.DimNames ?? []).OfType<string>().Where(s => s != Value.UnnamedDimension).ToHashSet(StringComparer.Ordinal);
        foreach (var (symbol, size) in bindings.Dimensions)
        {
            if (!symbols.Contains(symbol))
            {
                var known = symbols.Count == 0 ? "the inputs name no dimensions" : $"named dimensions: {string.Join(", ", symbols.Order(StringComparer.Ordinal))}";
                throw new InputShapeException($"--dim {symbol}={size}: no input has a dimension named '{symbol}' ({known})");
            }
            if (size <= 0)
            {
                throw new InputShapeException($"--dim {symbol}={size}: dimension sizes must be positive");
            }
        }
    }

    /// <summary>The input's shape after the bindings, or null when its rank is unknown and no --shape gives it.</summary>
    private int[]? Resolve(Value input)
    {
        if (bindings.InputShapes.TryGetValue(input.Name, out var shape))
        {
            return [.. shape];
        }
        if (input.Shape is not { } declared)
        {
            return null;
        }
        var result = (int[])declared.Clone();
        for (var d = 0; d < result.Length; d++)
        {
            if (result[d] < 0 && input.DimNames?[d] is { } symbol and not Value.UnnamedDimension && bindings.Dimensions.TryGetValue(symbol, out var size))
            {
                result[d] = size;
            }
        }
        return result;
    }

    /// <summary>"input 'x' has dynamic dimensions (?x3x48x?; dims 0 and 3 unnamed): fix them with --shape x=1,3,48,N".</summary>
    private static string Describe(Value input)
    {
        if (input.Shape is not { } shape)
        {
            return $"input '{input.Name}' has no declared shape (unknown rank): fix it with --shape {input.Name}=D0,D1,...";
        }
        var unfixed = Enumerable.Range(0, shape.Length).Where(d => shape[d] < 0).ToList();
        var named = unfixed.Where(d => input.DimNames?[d] is { } n && n != Value.UnnamedDimension).ToList();
        var unnamed = unfixed.Except(named).ToList();
        var parts = new List<string>();
        if (named.Count > 0)
        {
            parts.Add(string.Join(", ", named.Select(d => $"dim {d} '{input.DimNames![d]}'")));
        }
        if (unnamed.Count > 0)
        {
            parts.Add($"{(unnamed.Count == 1 ? "dim" : "dims")} {JoinWithAnd(unnamed)} unnamed");
        }
        // A batch dimension is almost always meant to be 1 at inference; other sizes are the caller's choice.
        var example = string.Join(',', shape.Select((s, d) => s >= 0 ? s.ToString() : d == 0 ? "1" : "N"));
        var flags = $"--shape {input.Name}={example}";
        if (named.Count > 0)
        {
            flags += $" (or {string.Join(" ", named.Select(d => input.DimNames![d]).Distinct().Select(s => $"--dim {s}=N"))})";
        }
        return $"input '{input.Name}' has dynamic dimensions ({Shapes.Format(shape)}; {string.Join("; ", parts)}): fix them with {flags}";
    }

    private static string JoinWithAnd(List<int> items) =>
        items.Count == 1 ? items[0].ToString() : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
}
