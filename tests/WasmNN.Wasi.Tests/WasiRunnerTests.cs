using System.Diagnostics;
using WasmNN.Wasi.Tests.Toolchain;

namespace WasmNN.Wasi.Tests;

/// <summary>
/// Real C programs built with clang-19 and wasi-libc, run on our engine and on Node's node:wasi in the same
/// test: stdout, stderr, exit code and resulting files must agree.
/// </summary>
public sealed class WasiRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void AssertSameAsNode(GuestRun run, WasiRunLimits? limits = null)
    {
        var node = run.RunOnNode();
        var (ours, result) = run.RunOnWasmNN(limits);
        Assert.True(result.Outcome == WasiRunOutcome.Exited, $"{result.Outcome}: {result.Message}");
        Assert.Equal(node.Stdout, ours.Stdout);
        Assert.Equal(node.Stderr, ours.Stderr);
        Assert.Equal(node.ExitCode, ours.ExitCode);
    }

    [Fact]
    public void Run_ArgumentsAndEnvironment_MatchNode()
    {
        AssertSameAsNode(new GuestRun(WasiPrograms.Build("args_env"))
        {
            Arguments = ["args_env", "plain", "with space", "", "ünïcødé ✓", "--flag=value"],
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello world", ["EMPTY"] = "", ["UTF8"] = "żółw" },
        });
    }

    [Fact]
    public void Run_FileLifecycleInPreopen_MatchesNodeOutputAndFiles()
    {
        var wasm = WasiPrograms.Build("files");
        var trees = new List<IReadOnlyList<string>>();
        var outputs = new List<ProcessOutput>();
        foreach (var engine in new[] { "node", "wasmnn" })
        {
            var sandbox = _temp.Combine(engine);
            _temp.Write($"{engine}/input.txt", "hello input\n");
            var run = new GuestRun(wasm) { Preopens = new Dictionary<string, string> { ["/sandbox"] = sandbox } };
            if (engine == "node")
            {
                outputs.Add(run.RunOnNode());
            }
            else
            {
                var (output, result) = run.RunOnWasmNN();
                Assert.True(result.Outcome == WasiRunOutcome.Exited, $"{result.Outcome}: {result.Message}");
                outputs.Add(output);
            }
            trees.Add(TempDirectory.Snapshot(sandbox));
        }
        Assert.Equal(outputs[0].Stdout, outputs[1].Stdout);
        Assert.Equal(0, outputs[1].ExitCode);
        Assert.Equal(trees[0], trees[1]);
        Assert.Contains("output.txt: written by the guest\n", trees[1]);
    }

    [Fact]
    public void Run_FileSystemEdgeCases_MatchNodeOutputAndFiles()
    {
        var wasm = WasiPrograms.Build("edge_cases");
        var nodeSandbox = _temp.Combine("node");
        var oursSandbox = _temp.Combine("wasmnn");
        Directory.CreateDirectory(nodeSandbox);
        Directory.CreateDirectory(oursSandbox);
        var node = new GuestRun(wasm) { Preopens = new Dictionary<string, string> { ["/sandbox"] = nodeSandbox } }.RunOnNode();
        var (ours, result) = new GuestRun(wasm) { Preopens = new Dictionary<string, string> { ["/sandbox"] = oursSandbox } }.RunOnWasmNN();
        Assert.True(result.Outcome == WasiRunOutcome.Exited, $"{result.Outcome}: {result.Message}");
        Assert.Equal(node.Stdout, ours.Stdout);
        Assert.Equal(node.ExitCode, ours.ExitCode);
        Assert.Equal(TempDirectory.Snapshot(nodeSandbox), TempDirectory.Snapshot(oursSandbox));
    }

    [Fact]
    public void Run_EscapeAttempts_DeniedWhereNodeFollowsSymlinks()
    {
        var wasm = WasiPrograms.Build("escape");
        var lines = new List<string[]>();
        foreach (var engine in new[] { "node", "wasmnn" })
        {
            var root = _temp.Combine(engine);
            _temp.Write($"{engine}/sandbox/inner.txt", "inner\n");
            _temp.Write($"{engine}/sandbox/dsub/deep.txt", "deep\n");
            Directory.CreateDirectory(Path.Combine(root, "sandbox", "sub"));
            _temp.Write($"{engine}/outside/secret.txt", "secret\n");
            File.CreateSymbolicLink(Path.Combine(root, "sandbox", "in_link"), "dsub");
            File.CreateSymbolicLink(Path.Combine(root, "sandbox", "in_file_link"), "inner.txt");
            File.CreateSymbolicLink(Path.Combine(root, "sandbox", "out_file"), "../outside/secret.txt");
            File.CreateSymbolicLink(Path.Combine(root, "sandbox", "out_dir"), "../outside");
            File.CreateSymbolicLink(Path.Combine(root, "sandbox", "abs_dir"), Path.Combine(root, "outside"));
            var run = new GuestRun(wasm) { Preopens = new Dictionary<string, string> { ["/sandbox"] = Path.Combine(root, "sandbox") } };
            var output = engine == "node" ? run.RunOnNode() : run.RunOnWasmNN().Output;
            Assert.Equal(0, output.ExitCode);
            lines.Add(output.Stdout.Split('\n'));
            if (engine == "wasmnn")
            {
                Assert.False(Directory.Exists(Path.Combine(root, "outside", "made")), "mkdir escaped the sandbox");
                Assert.True(File.Exists(Path.Combine(root, "sandbox", "inner.txt")), "rename escaped the sandbox");
            }
        }
        var (node, ours) = (lines[0], lines[1]);
        Assert.Equal(node.Length, ours.Length);
        for (var i = 0; i < ours.Length; i++)
        {
            if (!ours[i].StartsWith("escape ", StringComparison.Ordinal))
            {
                Assert.Equal(node[i], ours[i]);
                continue;
            }
            Assert.DoesNotContain("secret", ours[i].Split(':').Last());
            Assert.True(ours[i].Contains("Capabilities insufficient", StringComparison.Ordinal) || ours[i].Contains("Operation not permitted", StringComparison.Ordinal),
                $"not denied: {ours[i]}");
        }
        // Node's WASI follows directory symlinks out of the preopen: ours is stricter by design.
        Assert.Contains(node, l => l.StartsWith("escape open /sandbox/out_dir/secret.txt: read", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_SortingAndPrintfFormatting_MatchNode()
    {
        AssertSameAsNode(new GuestRun(WasiPrograms.Build("sort_printf")));
    }

    [Fact]
    public void Run_ClocksSleepRandomAndStdin_MatchNode()
    {
        AssertSameAsNode(new GuestRun(WasiPrograms.Build("time_io")) { Stdin = "first line\nsecond ✓\nno newline at end" });
    }

    [Fact]
    public void Run_WasmSimd128Intrinsics_MatchNode()
    {
        AssertSameAsNode(new GuestRun(WasiPrograms.Build("simd", "-msimd128")));
    }

    [Fact]
    public void Run_InfiniteLoopWithTimeout_StopsWithTrapMessageWithinSeconds()
    {
        var run = new GuestRun(WasiPrograms.Build("spin"));
        var watch = Stopwatch.StartNew();
        var (output, result) = run.RunOnWasmNN(new WasiRunLimits { Timeout = TimeSpan.FromSeconds(2) });
        watch.Stop();
        Assert.Equal(WasiRunOutcome.TimedOut, result.Outcome);
        Assert.Equal(WasiRunner.TimeoutExitCode, output.ExitCode);
        Assert.Contains("execution interrupted: time limit of 2 s exceeded", result.Message);
        Assert.DoesNotContain("did not stop", result.Message); // the engine's interrupt stopped the loop itself
        Assert.Equal("spinning\n", output.Stdout);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.9, 6);
    }

    [Fact]
    public void Run_UnboundedRecursion_CallStackExhaustedTrapAndHostStaysHealthy()
    {
        var run = new GuestRun(WasiPrograms.Build("recurse"));
        var node = run.RunOnNode();
        var (output, result) = run.RunOnWasmNN();
        Assert.Equal(WasiRunOutcome.Trapped, result.Outcome);
        Assert.Contains("call stack exhausted", result.Message);
        Assert.DoesNotContain('\n', result.Message!);
        Assert.NotEqual(0, output.ExitCode);
        Assert.NotEqual(0, node.ExitCode);
        Assert.Equal(node.Stdout, output.Stdout);

        // The same process runs the next guest normally.
        AssertSameAsNode(new GuestRun(WasiPrograms.Build("args_env")) { Arguments = ["args_env", "after", "trap"] });
    }

    [Fact]
    public void Run_MaxMemory_MallocFailsInsideTheLimit()
    {
        var run = new GuestRun(WasiPrograms.Build("grow")) { Arguments = ["grow", "64"] };
        var node = run.RunOnNode();
        Assert.Equal("allocated 64 MiB\n", node.Stdout);
        var (output, result) = run.RunOnWasmNN(new WasiRunLimits { MaxMemoryBytes = 16 << 20 });
        Assert.Equal(WasiRunOutcome.Exited, result.Outcome);
        Assert.Equal(2, output.ExitCode);
        var allocated = int.Parse(output.Stdout.Split(' ')[1]);
        Assert.InRange(allocated, 1, 15);
    }

    [Fact]
    public void Run_MaxMemoryBelowInitialMemory_LoadFailsWithReason()
    {
        var run = new GuestRun(WasiPrograms.Build("args_env"));
        var (output, result) = run.RunOnWasmNN(new WasiRunLimits { MaxMemoryBytes = 65536 });
        Assert.Equal(WasiRunOutcome.LoadFailed, result.Outcome);
        Assert.Equal(WasiRunner.LoadFailedExitCode, output.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0 })]
    public void Run_NotAWasiCommand_LoadFailsWithReason(byte[] wasm)
    {
        var result = WasiRunner.Run(wasm, new WasiOptions());
        Assert.Equal(WasiRunOutcome.LoadFailed, result.Outcome);
        Assert.Equal(WasiRunner.LoadFailedExitCode, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public void Run_MissingPreopenDirectory_LoadFailsWithReason()
    {
        var result = WasiRunner.Run(File.ReadAllBytes(WasiPrograms.Build("args_env")),
            new WasiOptions { Preopens = [new Preopen(_temp.Combine("does-not-exist"), "/x")] });
        Assert.Equal(WasiRunOutcome.LoadFailed, result.Outcome);
        Assert.Contains("does-not-exist", result.Message);
    }
}
