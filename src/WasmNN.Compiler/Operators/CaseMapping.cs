using System.Text;

namespace WasmNN.Compiler.Operators;

/// <summary>A case change of StringNormalizer's <c>case_change_action</c>.</summary>
public enum CaseChange
{
    /// <summary>Keep the text as it is.</summary>
    None,
    /// <summary>Lower case.</summary>
    Lower,
    /// <summary>Upper case.</summary>
    Upper,
}

/// <summary>
/// The case mapping of the string operators: each character of the Basic Multilingual Plane maps to one character as
/// .NET's invariant culture maps it (<see cref="char.ToUpperInvariant"/>, <see cref="char.ToLowerInvariant"/>,
/// simple Unicode case mapping: no 'ß' to "SS", no Turkish dotted i, and, unlike Unicode, 'ſ' (U+017F) and 'ı' (U+0131)
/// are not upper-cased to ASCII 'S' and 'I'); characters past U+FFFF stay as they are. The
/// tables are built from those functions when first asked for, and both the reference evaluation and the wasm
/// kernel's data table come from here, so they cannot disagree.
/// </summary>
public static class CaseMapping
{
    private static readonly Lazy<(char From, char To)[]> s_lower = new(() => Build(char.ToLowerInvariant));
    private static readonly Lazy<(char From, char To)[]> s_upper = new(() => Build(char.ToUpperInvariant));

    /// <summary>The characters <paramref name="change"/> changes and what they become, sorted by the original (empty for <see cref="CaseChange.None"/>).</summary>
    public static IReadOnlyList<(char From, char To)> Table(CaseChange change) => change switch
    {
        CaseChange.Lower => s_lower.Value,
        CaseChange.Upper => s_upper.Value,
        _ => [],
    };

    /// <summary><paramref name="text"/> with every character mapped (surrogates, i.e. characters past U+FFFF, unchanged).</summary>
    public static string Apply(string text, CaseChange change)
    {
        if (change == CaseChange.None)
        {
            return text;
        }
        var map = change == CaseChange.Lower ? (Func<char, char>)char.ToLowerInvariant : char.ToUpperInvariant;
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(char.IsSurrogate(c) ? c : map(c));
        }
        return result.ToString();
    }

    /// <summary>
    /// The most UTF-8 bytes <paramref name="bytes"/> bytes of text can take after <paramref name="change"/>: some
    /// characters grow from two bytes to three (U+023A 'Ⱥ' lowers to U+2C65), none grow more.
    /// </summary>
    public static int GrownBytes(int bytes, CaseChange change)
    {
        var table = Table(change);
        var (num, den) = table.Any(p => Utf8Length(p.To) > Utf8Length(p.From)) ? (3L, 2L) : (1L, 1L);
        if (table.Any(p => Utf8Length(p.To) * den > Utf8Length(p.From) * num))
        {
            throw new InvalidOperationException("a case mapping grows a character by more than half its UTF-8 bytes");
        }
        return checked((int)((bytes * num + den - 1) / den));
    }

    /// <summary>UTF-8 bytes of a character of the Basic Multilingual Plane.</summary>
    public static int Utf8Length(char c) => c < 0x80 ? 1 : c < 0x800 ? 2 : 3;

    private static (char From, char To)[] Build(Func<char, char> map) =>
        [.. Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(c => !char.IsSurrogate(c) && map(c) != c).Select(c => (c, map(c)))];
}
