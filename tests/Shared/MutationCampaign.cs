using System.Diagnostics;

namespace WasmNN.Tests;

/// <summary>
/// Mutation fuzzing of one input kind: replay saved regressions, then mutate seed inputs and run each through
/// <c>run</c>, which returns an outcome name for the clean errors it accepts and lets anything else escape. A case
/// that throws or runs past the time limit is a failure and is saved in the regression folder. The case in flight
/// is kept as <c>pending-*</c> in that folder, so a case that kills the process (stack overflow, access violation)
/// is still there for the next run, which keeps it as a <c>crash-*</c> regression.
/// </summary>
internal sealed class MutationCampaign(RegressionFolder regressions, string prefix, string extension, Func<byte[], string> run, TimeSpan caseLimit)
{
    public sealed record Report(int Cases, int Replayed, IReadOnlyDictionary<string, int> Outcomes, IReadOnlyList<string> Failures)
    {
        public string Summary => $"{Cases} cases ({Replayed} regressions): " +
            string.Join(", ", Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Value} {o.Key}"));
    }

    /// <summary>Runs the saved regressions, then <see cref="FuzzSettings.Cases"/> mutants of <paramref name="seeds"/>.</summary>
    /// <param name="regionOf">Where in a seed to mutate (null: anywhere).</param>
    public Report Execute(FuzzSettings settings, IReadOnlyList<byte[]> seeds, Func<byte[], Random, Range?>? regionOf = null)
    {
        var pending = regressions.FilePath($"pending-{prefix}{extension}");
        if (File.Exists(pending)) File.Move(pending, regressions.FilePath($"crash-{prefix}{DateTime.UtcNow.Ticks}{extension}"));

        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();
        var saved = regressions.Files(prefix).Concat(regressions.Files("crash-" + prefix)).ToList();
        foreach (var file in saved) RunCase(Path.GetFileName(file), File.ReadAllBytes(file), saveAs: null);
        for (int i = 0; i < settings.Cases; i++)
        {
            var random = settings.CaseRandom(i);
            var seed = seeds[random.Next(seeds.Count)];
            var input = ByteMutator.Mutate(seed, random, regionOf?.Invoke(seed, random));
            RunCase(settings.Replay(i), input, $"{prefix}{settings.CaseSeed(i)}{extension}");
        }
        if (File.Exists(pending)) File.Delete(pending);
        return new Report(settings.Cases + saved.Count, saved.Count, outcomes, failures);

        void RunCase(string label, byte[] input, string? saveAs)
        {
            File.WriteAllBytes(pending, input);
            var outcome = Outcome(input, out var failure);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (failure is null) return;
            var where = saveAs is null ? "" : " (saved as " + regressions.Save(saveAs, input) + ")";
            failures.Add($"{label}: {failure}{where}");
        }
    }

    private string Outcome(byte[] input, out string? failure)
    {
        failure = null;
        var stopwatch = Stopwatch.StartNew();
        // A thread of its own with a big stack: a deep but legal input must not be mistaken for a crash, and a hang is
        // reported instead of stalling the run.
        string? outcome = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                outcome = run(input);
            }
            catch (Exception e)
            {
                error = e;
            }
        }, maxStackSize: 16 << 20) { IsBackground = true };
        thread.Start();
        if (!thread.Join(caseLimit))
        {
            failure = $"hang: no result after {caseLimit.TotalSeconds} s";
            return "hang";
        }
        if (error is not null)
        {
            failure = $"{error.GetType().FullName}: {error.Message}\n{error.StackTrace}";
            return "unexpected " + error.GetType().Name;
        }
        return outcome!;
    }
}
