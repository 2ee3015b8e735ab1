using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// A parsed Einsum equation: per operand its letters and where its ellipsis stands. <see cref="Resolve"/> turns it
/// into integer labels per axis once the ranks are known (letters by their code, ellipsis axes as -1, -2, ...
/// counted from the right, so they line up as numpy broadcasting does).
/// </summary>
public sealed class EinsumEquation
{
    private const string Ellipsis = "...";

    private EinsumEquation(string text, string[] inputs, string? output)
    {
        Text = text;
        InputTerms = inputs;
        OutputTerm = output;
    }

    /// <summary>The equation as written.</summary>
    public string Text { get; }

    /// <summary>Each operand's term, spaces removed.</summary>
    public IReadOnlyList<string> InputTerms { get; }

    /// <summary>The explicit output term, or null in implicit mode.</summary>
    public string? OutputTerm { get; }

    /// <summary>The number of operands the equation names.</summary>
    public int InputCount => InputTerms.Count;

    /// <summary>Parses <paramref name="equation"/>.</summary>
    /// <exception cref="OperatorException">It is not a valid Einsum equation.</exception>
    public static EinsumEquation Parse(string equation)
    {
        var compact = equation.Replace(" ", "", StringComparison.Ordinal);
        var sides = compact.Split("->");
        if (compact.Length == 0 || sides.Length > 2)
        {
            throw new OperatorException($"equation '{equation}' is not of the form 'terms' or 'terms->output'");
        }
        var inputs = sides[0].Split(',');
        foreach (var term in sides.Skip(1).Concat(inputs))
        {
            var letters = term.Replace(Ellipsis, "", StringComparison.Ordinal);
            if (term.Length - letters.Length > Ellipsis.Length || !letters.All(char.IsAsciiLetter))
            {
                throw new OperatorException($"equation '{equation}': term '{term}' must be letters with at most one '...'");
            }
        }
        if (sides.Length == 2 && sides[1].Replace(Ellipsis, "", StringComparison.Ordinal) is var output && output.Distinct().Count() != output.Length)
        {
            throw new OperatorException($"equation '{equation}': the output repeats a label");
        }
        return new EinsumEquation(equation, inputs, sides.Length == 2 ? sides[1] : null);
    }

    /// <summary>The integer labels of every axis, given each operand's rank.</summary>
    /// <exception cref="OperatorException">A rank does not match its term.</exception>
    public EinsumLabels Resolve(int[] ranks)
    {
        var ellipsisRank = 0;
        var inputs = new int[InputTerms.Count][];
        for (var k = 0; k < inputs.Length; k++)
        {
            var term = InputTerms[k];
            var letters = term.Replace(Ellipsis, "", StringComparison.Ordinal).Length;
            var hasEllipsis = letters != term.Length;
            if (ranks[k] < letters || (!hasEllipsis && ranks[k] != letters))
            {
                throw new OperatorException($"equation '{Text}': operand {k} has rank {ranks[k]}, its term '{term}' needs {(hasEllipsis ? "at least " : "")}{letters}");
            }
            inputs[k] = Expand(term, ranks[k] - letters);
            ellipsisRank = Math.Max(ellipsisRank, ranks[k] - letters);
        }
        int[] output;
        if (OutputTerm is { } explicitOutput)
        {
            output = Expand(explicitOutput, explicitOutput.Contains(Ellipsis, StringComparison.Ordinal) ? ellipsisRank : 0);
            if (output.Any(l => l >= 0 && !inputs.Any(i => i.Contains(l))))
            {
                throw new OperatorException($"equation '{Text}': an output label appears in no input");
            }
        }
        else
        {
            var counts = inputs.SelectMany(i => i).Where(l => l >= 0).CountBy(l => l).ToDictionary();
            output = [.. Enumerable.Range(1, ellipsisRank).Select(i => -(ellipsisRank - i + 1)), .. counts.Where(c => c.Value == 1).Select(c => c.Key).Order()];
        }
        return new EinsumLabels(inputs, output);
    }

    /// <summary>The term's labels with its ellipsis expanded into <paramref name="ellipsisRank"/> negative labels.</summary>
    private static int[] Expand(string term, int ellipsisRank)
    {
        var at = term.IndexOf(Ellipsis, StringComparison.Ordinal);
        if (at < 0)
        {
            return [.. term.Select(c => (int)c)];
        }
        return [.. term[..at].Select(c => (int)c), .. Enumerable.Range(1, ellipsisRank).Select(i => -(ellipsisRank - i + 1)), .. term[(at + 3)..].Select(c => (int)c)];
    }
}

/// <summary>An Einsum equation with one integer label per axis of each operand and of the output.</summary>
/// <param name="Inputs">Each operand's labels.</param>
/// <param name="Output">The output's labels.</param>
public sealed record EinsumLabels(int[][] Inputs, int[] Output)
{
    /// <summary>Each label's extent, checked to agree across operands (an ellipsis axis of extent 1 broadcasts).</summary>
    /// <exception cref="OperatorException">A label has two different extents.</exception>
    public Dictionary<int, int> Sizes(IReadOnlyList<int[]> shapes)
    {
        var sizes = new Dictionary<int, int>();
        for (var k = 0; k < Inputs.Length; k++)
        {
            for (var d = 0; d < Inputs[k].Length; d++)
            {
                var label = Inputs[k][d];
                var extent = shapes[k][d];
                if (!sizes.TryGetValue(label, out var known) || known == 1 && label < 0)
                {
                    sizes[label] = extent;
                }
                else if (known != extent && !(label < 0 && extent == 1))
                {
                    throw new OperatorException($"label '{Name(label)}' has extents {known} and {extent}");
                }
            }
        }
        return sizes;
    }

    /// <summary>The output's shape for operands of <paramref name="shapes"/>.</summary>
    public int[] OutputShape(IReadOnlyList<int[]> shapes)
    {
        var sizes = Sizes(shapes);
        return [.. Output.Select(l => sizes[l])];
    }

    /// <summary>A label as written: its letter, or "..." for an ellipsis axis.</summary>
    public static string Name(int label) => label >= 0 ? ((char)label).ToString() : "...";
}
