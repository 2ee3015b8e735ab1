using System.Globalization;
using System.Text;

namespace WasmNN.Compiler.IO;

/// <summary>
/// The header of a .npy file: the Python dict literal <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>.
/// </summary>
/// <remarks>
/// NumPy evaluates the header with <c>ast.literal_eval</c>; this parser accepts the subset the format allows (a dict of
/// exactly the keys descr, fortran_order and shape, string keys, a string descr, True/False, a tuple of integers, the
/// usual trailing commas) and rejects anything else, including a key given twice (Python would silently keep the
/// last). After the closing brace only whitespace may follow (the format pads with spaces and ends with '\n').
/// </remarks>
/// <param name="Descr">The dtype string, e.g. <c>&lt;f4</c>.</param>
/// <param name="FortranOrder">True when the data is stored column-major.</param>
/// <param name="Shape">The dimensions, each non-negative.</param>
public sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>Parses the header text that starts at byte <paramref name="fileOffset"/> of the file.</summary>
    /// <param name="text">The decoded header (Latin-1 for versions 1 and 2, UTF-8 for version 3).</param>
    /// <param name="fileOffset">Byte offset of the header's first character, for error messages.</param>
    /// <param name="encoding">The header's encoding, to turn character positions into byte offsets.</param>
    /// <exception cref="NpyFormatException">The header is not a valid .npy header dict.</exception>
    public static NpyHeader Parse(string text, long fileOffset, Encoding encoding) => new Parser(text, fileOffset, encoding).ParseDict();

    /// <summary>Formats the header dict as NumPy writes it (without padding).</summary>
    public override string ToString()
    {
        var shape = Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
    }

    private sealed class Parser(string text, long fileOffset, Encoding encoding)
    {
        private int _position;

        public NpyHeader ParseDict()
        {
            SkipSpace();
            Expect('{', "the header must be a dict starting with '{'");
            string? descr = null;
            bool? fortranOrder = null;
            long[]? shape = null;
            SkipSpace();
            while (Peek() != '}')
            {
                var keyPosition = _position;
                var key = ParseString("a dict key");
                SkipSpace();
                Expect(':', $"expected ':' after key '{key}'");
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        if (descr is not null) throw Error(keyPosition, "key 'descr' appears twice");
                        descr = ParseString("the 'descr' value (a dtype string such as '<f4')");
                        break;
                    case "fortran_order":
                        if (fortranOrder is not null) throw Error(keyPosition, "key 'fortran_order' appears twice");
                        fortranOrder = ParseBool();
                        break;
                    case "shape":
                        if (shape is not null) throw Error(keyPosition, "key 'shape' appears twice");
                        shape = ParseShape();
                        break;
                    default:
                        throw Error(keyPosition, $"unexpected key '{key}' (a .npy header has exactly descr, fortran_order and shape)");
                }
                SkipSpace();
                if (Peek() == ',')
                {
                    _position++;
                    SkipSpace();
                }
                else if (Peek() != '}')
                {
                    throw Error(_position, "expected ',' or '}' in the header dict");
                }
            }
            _position++;
            for (; _position < text.Length; _position++)
            {
                if (text[_position] is not (' ' or '\t' or '\r' or '\n'))
                {
                    throw Error(_position, "unexpected text after the header dict (only space padding and '\\n' may follow)");
                }
            }
            return new NpyHeader(
                descr ?? throw Error(0, "the header has no 'descr' key"),
                fortranOrder ?? throw Error(0, "the header has no 'fortran_order' key"),
                shape ?? throw Error(0, "the header has no 'shape' key"));
        }

        private string ParseString(string what)
        {
            var quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error(_position, $"expected {what} as a quoted string");
            }
            var start = ++_position;
            while (_position < text.Length && text[_position] != quote)
            {
                if (text[_position] is '\\' or '\n')
                {
                    throw Error(_position, $"{what}: escapes and line breaks are not allowed in header strings");
                }
                _position++;
            }
            if (_position >= text.Length)
            {
                throw Error(start - 1, $"{what}: unterminated string");
            }
            return text[start.._position++];
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, _position, "True", 0, 4) == 0)
            {
                _position += 4;
                return true;
            }
            if (string.CompareOrdinal(text, _position, "False", 0, 5) == 0)
            {
                _position += 5;
                return false;
            }
            throw Error(_position, "'fortran_order' must be True or False");
        }

        private long[] ParseShape()
        {
            var open = _position;
            Expect('(', "'shape' must be a tuple such as (2, 3) or (5,)");
            var dims = new List<long>();
            var trailingComma = false;
            SkipSpace();
            while (Peek() != ')')
            {
                var start = _position;
                if (Peek() == '-')
                {
                    throw Error(start, "'shape' has a negative dimension");
                }
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }
                if (start == _position)
                {
                    throw Error(start, "'shape' must hold non-negative integers");
                }
                if (!long.TryParse(text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var dim))
                {
                    throw Error(start, $"'shape' dimension {text[start.._position]} is too large");
                }
                dims.Add(dim);
                SkipSpace();
                trailingComma = Peek() == ',';
                if (trailingComma)
                {
                    _position++;
                    SkipSpace();
                }
                else if (Peek() != ')')
                {
                    throw Error(_position, "expected ',' or ')' in 'shape'");
                }
            }
            _position++;
            // (3) is the integer 3 in Python, not a tuple: one dimension is written (3,).
            if (dims.Count == 1 && !trailingComma)
            {
                throw Error(open, "'shape' (n) is not a tuple: a one-dimensional shape is written (n,)");
            }
            return [.. dims];
        }

        private void Expect(char expected, string message)
        {
            if (Peek() != expected)
            {
                throw Error(_position, message);
            }
            _position++;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpace()
        {
            while (_position < text.Length && text[_position] is (' ' or '\t' or '\r' or '\n'))
            {
                _position++;
            }
        }

        private NpyFormatException Error(int position, string message)
        {
            var at = fileOffset + encoding.GetByteCount(text.AsSpan(0, Math.Min(position, text.Length)));
            return new NpyFormatException($"byte {at}: {message}");
        }
    }
}
