using WasmNN.Engine.SpecTesting;

namespace WasmNN.Engine.Tests.SpecTesting;

public class SpecTestRunnerTests
{
    // The bar: 99.5% of the 26,128 binary assertions in the core suite.
    private const int RequiredPasses = 25_997;

    [Fact]
    public void RunDirectory_CoreSpecSuite_PassesAtLeastRequiredAssertions()
    {
        var folder = Path.Combine(RepositoryPaths.Shared, "wasm-spec", "core");
        IReadOnlyList<SpecFileResult> results = [];
        // A big stack so deep-recursion scripts reach the engine's depth limit rather than the stack probe.
        var thread = new Thread(() => results = new SpecTestRunner().RunDirectory(folder), 256 * 1024 * 1024);
        thread.Start();
        thread.Join();

        int passed = results.Sum(r => r.Passed);
        var failures = results.SelectMany(r => r.Failures).ToList();
        Assert.True(passed >= RequiredPasses, $"{passed} passed, {failures.Count} failed:\n{string.Join('\n', failures.Take(50))}");
        Assert.Equal(26_128, passed + failures.Count);
        Assert.All(results.SelectMany(r => r.Skips), s => Assert.Equal(SpecSkips.TextFormat, s.Reason));
    }

    [Fact]
    public void RunFile_ScriptWithDeepRecursion_TrapsWithoutCrashingOnSmallStack()
    {
        // Runs on the test thread's ordinary stack: the stack probe must turn exhaustion into a trap.
        var result = new SpecTestRunner().RunFile(Path.Combine(RepositoryPaths.Shared, "wasm-spec", "core", "call", "call.json"));
        Assert.Empty(result.Failures);
        Assert.True(result.Passed > 0);
    }
}
