namespace WasmNN.Engine.SpecTesting;

/// <summary>One assertion that failed or was skipped, and why.</summary>
/// <param name="File">The JSON file's name (without folder).</param>
/// <param name="Line">The line in the original <c>.wast</c> script.</param>
/// <param name="Command">The command type, e.g. <c>assert_return</c>.</param>
/// <param name="Reason">What went wrong, or why it was skipped.</param>
public sealed record SpecOutcome(string File, int Line, string Command, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line} {Command}: {Reason}";
}

/// <summary>Counts for one spec-test JSON file.</summary>
/// <param name="Name">The file's name without extension (e.g. <c>i32</c>).</param>
/// <param name="Passed">Assertions that passed.</param>
/// <param name="Failed">Assertions that failed.</param>
/// <param name="Skipped">Assertions skipped (see <see cref="SpecSkips"/>).</param>
/// <param name="Failures">Each failure with its reason.</param>
/// <param name="Skips">Each skip with its reason.</param>
public sealed record SpecFileResult(string Name, int Passed, int Failed, int Skipped,
    IReadOnlyList<SpecOutcome> Failures, IReadOnlyList<SpecOutcome> Skips);

/// <summary>
/// The explicit skip list. Skipped assertions are neither passes nor failures; each has its reason here and in
/// docs/SPECTEST.md.
/// </summary>
public static class SpecSkips
{
    /// <summary>Reason for skipping <c>assert_malformed</c> commands whose module is in the text format.</summary>
    public const string TextFormat = "text-format (.wat) module: the engine reads only the binary format";

    /// <summary>Reason for skipping assertions that involve v128 values (SIMD is lowered in a later issue).</summary>
    public const string Simd = "v128 value: SIMD is not lowered by the engine yet";

    /// <summary>The expected message of the stale <c>assert_invalid</c> entries <see cref="StaleMultipleTables"/> skips.</summary>
    public const string StaleMultipleTablesText = "multiple tables";

    /// <summary>
    /// Reason for skipping the three <c>threads/imports</c> <c>assert_invalid</c> "multiple tables" entries: they predate
    /// reference types, which made several tables valid (../shared/wasm-spec/README.md lists them as known stale).
    /// </summary>
    public const string StaleMultipleTables = "stale \"multiple tables\" assertion: several tables are valid since reference types";
}
