using System.Text;
using System.Text.RegularExpressions;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// What binaryen 108's <c>--denan</c> leaves out: every f32x4/f64x2 instruction whose NaN results may carry any payload
/// (the spec lets an engine return either operand's NaN, or another arithmetic NaN, when an operand is not canonical)
/// gets its NaN lanes replaced by +0, so payload bits that later reach integer code cannot differ between engines.
/// The rewrite goes through wabt's text format: after the instruction, <c>local.tee t; local.get t; local.get t;
/// fNxM.eq; v128.and</c> keeps the lanes equal to themselves, with <c>t</c> a v128 local appended to each function.
/// </summary>
internal static partial class SimdNaNCanonicalizer
{
    private const string Scratch = "$__denan_v128";

    public static byte[] Canonicalize(byte[] module, string workDirectory)
    {
        var binary = Path.Combine(workDirectory, "simd-denan-input.wasm");
        var text = Path.Combine(workDirectory, "simd-denan.wat");
        var output = Path.Combine(workDirectory, "simd-denan-output.wasm");
        File.WriteAllBytes(binary, module);
        Run("wasm2wat", ["--enable-all", binary, "-o", text]);
        var (rewritten, changed) = Rewrite(File.ReadAllLines(text));
        if (!changed) return module;
        File.WriteAllText(text, rewritten);
        File.Delete(output);
        Run("wat2wasm", ["--enable-all", text, "-o", output]);
        return File.ReadAllBytes(output);
    }

    /// <summary>The rewritten text of a wasm2wat listing, and whether any instruction needed it.</summary>
    internal static (string Text, bool Changed) Rewrite(IReadOnlyList<string> lines)
    {
        var result = new StringBuilder();
        bool changed = false;
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            result.AppendLine(line);
            if (line.StartsWith("  (func ", StringComparison.Ordinal))
            {
                // Named locals come after the existing ones, so every index-based local.get keeps its meaning.
                if (i + 1 < lines.Count && lines[i + 1].TrimStart().StartsWith("(local ", StringComparison.Ordinal))
                {
                    result.AppendLine(lines[++i]);
                }
                result.AppendLine($"    (local {Scratch} v128)");
                continue;
            }
            var match = PayloadInstruction().Match(line);
            if (!match.Success) continue;
            changed = true;
            var shape = match.Groups["op"].Value switch
            {
                "demote_f64x2_zero" => "f32x4",
                "promote_low_f32x4" => "f64x2",
                _ => match.Groups["shape"].Value,
            };
            var indent = match.Groups["indent"].Value;
            foreach (var added in new[] { $"local.tee {Scratch}", $"local.get {Scratch}", $"local.get {Scratch}", $"{shape}.eq", "v128.and" })
            {
                result.Append(indent).AppendLine(added);
            }
        }
        return (result.ToString(), changed);
    }

    private static void Run(string tool, string[] arguments)
    {
        var run = ProcessRunner.Run(tool, arguments, timeout: TimeSpan.FromMinutes(1));
        if (run.ExitCode != 0) throw new InvalidOperationException($"{tool} failed (exit {run.ExitCode}): {run.Stderr}");
    }

    [GeneratedRegex(@"^(?<indent>\s+)(?<shape>f32x4|f64x2)\.(?<op>add|sub|mul|div|sqrt|min|max|ceil|floor|trunc|nearest|demote_f64x2_zero|promote_low_f32x4)\s*$")]
    private static partial Regex PayloadInstruction();
}
