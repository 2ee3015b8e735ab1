namespace WasmNN.Tests;

/// <summary>
/// Seed and size of a fuzz test run. Each run takes a new time-based seed unless <c>WASMNN_FUZZ_SEED</c> replays one;
/// <c>WASMNN_FUZZ_CASES</c> overrides the number of cases (scripts/fuzz.sh sets both). Case <c>i</c> uses seed
/// <c>Seed + i</c>, so one failing case replays alone with <c>WASMNN_FUZZ_SEED=&lt;case seed&gt; WASMNN_FUZZ_CASES=1</c>.
/// </summary>
internal sealed record FuzzSettings(long Seed, int Cases)
{
    public const string SeedVariable = "WASMNN_FUZZ_SEED";
    public const string CasesVariable = "WASMNN_FUZZ_CASES";

    /// <summary>Settings for a test whose per-CI-run size is <paramref name="defaultCases"/>.</summary>
    public static FuzzSettings FromEnvironment(int defaultCases)
    {
        var seedText = Environment.GetEnvironmentVariable(SeedVariable);
        var casesText = Environment.GetEnvironmentVariable(CasesVariable);
        long seed = long.TryParse(seedText, out var s) ? s : DateTime.UtcNow.Ticks % 1_000_000_000_000;
        int cases = int.TryParse(casesText, out var c) && c > 0 ? c : defaultCases;
        return new FuzzSettings(seed, cases);
    }

    /// <summary>The seed of case <paramref name="index"/>.</summary>
    public long CaseSeed(int index) => Seed + index;

    /// <summary>The random source of case <paramref name="index"/>.</summary>
    public Random CaseRandom(int index) => ForSeed(CaseSeed(index));

    /// <summary>The random source for one case seed.</summary>
    public static Random ForSeed(long caseSeed) => new(unchecked((int)(caseSeed ^ (caseSeed >> 32))));

    /// <summary>How to replay case <paramref name="index"/>, for failure messages.</summary>
    public string Replay(int index) => $"case seed {CaseSeed(index)} (replay: {SeedVariable}={CaseSeed(index)} {CasesVariable}=1)";
}
