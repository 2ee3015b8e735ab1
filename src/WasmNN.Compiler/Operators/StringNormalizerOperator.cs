using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of StringNormalizer.</summary>
/// <param name="CaseChangeAction">ONNX 'case_change_action': "LOWER", "UPPER" or "NONE" (default).</param>
/// <param name="IsCaseSensitive">ONNX 'is_case_sensitive' (default 0): whether stopwords match only in the same case.</param>
/// <param name="Stopwords">ONNX 'stopwords' (default none): the strings removed.</param>
/// <param name="Locale">ONNX 'locale' (default "", i.e. en_US).</param>
public sealed record StringNormalizerAttributes(CaseChange CaseChangeAction, bool IsCaseSensitive, IReadOnlyList<string> Stopwords, string Locale) : OperatorAttributes
{
    /// <summary>The stopwords as an element is compared with them: lowered when the match ignores case (as ONNX Runtime compares).</summary>
    public IReadOnlyList<string> ComparedStopwords => IsCaseSensitive ? Stopwords : [.. Stopwords.Select(s => CaseMapping.Apply(s, CaseChange.Lower))];
}

/// <summary>
/// ONNX StringNormalizer (opset 10): drops the elements of a [C] or [1, C] string tensor that equal a stopword
/// (ignoring case unless is_case_sensitive: both sides lowered, as ONNX Runtime compares), then changes the case of
/// the rest (<see cref="CaseMapping"/>). When every element is dropped the output is one empty string, [1] or [1, 1].
/// With stopwords the kept count depends on the data: a run-time length of at most max(C, 1).
/// </summary>
public sealed class StringNormalizerOperator : OnnxOperator, IBoundedOutputOperator, IStringOutputOperator
{
    /// <summary>Locales whose case rules differ from the invariant mapping (Turkish and Azerbaijani dotted i, Lithuanian accents).</summary>
    private static readonly string[] s_ownCaseRules = ["tr", "az", "lt"];

    /// <inheritdoc/>
    public override string OpType => "StringNormalizer";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var action = attributes.GetString("case_change_action", "NONE") switch
        {
            "NONE" => CaseChange.None,
            "LOWER" => CaseChange.Lower,
            "UPPER" => CaseChange.Upper,
            var other => throw new OperatorException($"case_change_action '{other}' is not LOWER, UPPER or NONE"),
        };
        var locale = attributes.GetString("locale", "");
        if (s_ownCaseRules.Any(l => locale.Equals(l, StringComparison.OrdinalIgnoreCase) || locale.StartsWith(l + "_", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UnsupportedOperatorException($"locale '{locale}' has case rules of its own; StringNormalizer maps case as the invariant culture does (en_US)");
        }
        return new StringNormalizerAttributes(action, attributes.GetInt("is_case_sensitive", 0) != 0, attributes.GetStrings("stopwords") ?? [], locale);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<StringNormalizerAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        if (x.ElementType != DataType.String)
        {
            throw new OperatorException($"input '{x.Name}' is {x.ElementType}; StringNormalizer takes strings");
        }
        if (x.Constant is { } constant)
        {
            return [new TensorType(DataType.String, Evaluate(attributes, [constant])[0].Shape)];
        }
        if (x.Shape is null)
        {
            return [new TensorType(DataType.String, null)];
        }
        var length = Length(x.Shape, x.Name);
        // Without stopwords nothing is dropped: the shape stays, but an empty input still gives one empty string.
        var kept = a.Stopwords.Count == 0 && length >= 0 ? Math.Max(length, 1) : -1;
        return [new TensorType(DataType.String, x.Shape.Length == 1 ? [kept] : [1, kept])];
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Shape is null || Length(x.Shape, x.Name) < 0)
        {
            throw new OperatorException($"input '{x.Name}' needs a static shape, got {Shapes.Format(x.Shape)}");
        }
        var maximum = Math.Max(Length(x.Shape, x.Name), 1);
        return [new BoundedShape(x.Shape.Length == 1 ? [maximum] : [1, maximum], [x.Shape.Length - 1])];
    }

    /// <inheritdoc/>
    public int OutputStringBytes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs, int index) =>
        CaseMapping.GrownBytes(Required(inputs, 0, "X").StringBytes, As<StringNormalizerAttributes>(attributes).CaseChangeAction);

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<StringNormalizerAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        Length(x.Shape, "X");
        var stopwords = a.ComparedStopwords.ToHashSet(StringComparer.Ordinal);
        var kept = x.AsStrings()
            .Where(s => !stopwords.Contains(a.IsCaseSensitive ? s : CaseMapping.Apply(s, CaseChange.Lower)))
            .Select(s => CaseMapping.Apply(s, a.CaseChangeAction))
            .DefaultIfEmpty("")
            .ToArray();
        return [Tensor.FromStrings(x.Rank == 1 ? [kept.Length] : [1, kept.Length], kept)];
    }

    /// <summary>C of a [C] or [1, C] shape (-1 when unknown).</summary>
    private static int Length(int[] shape, string name) => shape switch
    {
        [var c] => c,
        [1 or -1, var c] => c,
        _ => throw new OperatorException($"input '{name}' has shape {Shapes.Format(shape)}; StringNormalizer takes [C] or [1, C]"),
    };
}
