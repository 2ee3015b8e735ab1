namespace WasmNN.Cli.Tests;

/// <summary><c>wasmnn onnxtest</c> over one set and over a folder of sets (copies of libonnx-testdata tests), on our engine and on Node.</summary>
public sealed class OnnxTestCommandTests : IDisposable
{
    private const string TestData = "/usr/share/libonnx-testdata/data";
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-onnxtest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void CopyTest(string set, string test, string intoSet)
    {
        var source = Path.Combine(TestData, set, test);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_dir, intoSet, test, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void OnnxTest_FolderOfSets_PrintsOneSummaryPerSetAndTheTotalLast()
    {
        CopyTest("node", "test_relu", "node");
        CopyTest("node", "test_add", "node");
        CopyTest("node", "test_bernoulli", "node");
        CopyTest("pytorch-operator", "test_operator_add_broadcast", "pytorch-operator");
        CopyTest("real", "test_squeezenet", "real");

        var result = CliRunner.Run("onnxtest", "--verbose", _dir);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("node: 2 passed, 0 failed, 1 unsupported", lines);
        Assert.Contains("pytorch-operator: 1 passed, 0 failed, 0 unsupported", lines);
        Assert.Contains(lines, l => l.StartsWith("unsupported: node/test_bernoulli: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("real: skipped, its tests hold only a download link", StringComparison.Ordinal));
        Assert.Equal("3 passed, 0 failed, 1 unsupported", lines[^1]);
    }

    [Fact]
    public void OnnxTest_OneSet_PrintsOnlyTheTotal()
    {
        CopyTest("node", "test_relu", "node");

        var result = CliRunner.Run("onnxtest", Path.Combine(_dir, "node"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1 passed, 0 failed, 0 unsupported", result.Stdout.Trim());
    }

    [Fact]
    public void OnnxTest_FolderWithoutTests_ExitsWithUsageError()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "empty"));

        var result = CliRunner.Run("onnxtest", _dir);

        CliRunner.AssertCleanError(result, 2);
        Assert.Contains("holds no test_* folders with a model.onnx", result.Stderr);
    }

    [Fact]
    public void OnnxTest_HostNode_RunsTheModulesOnNodeAndJudgesThemByTheTestData()
    {
        // One test per ABI dtype family the loader converts: float32, float16, double, int64, bool, and a run-time length output.
        foreach (var test in new[] { "test_add", "test_cast_FLOAT_to_FLOAT16", "test_cast_FLOAT16_to_DOUBLE", "test_max_int64", "test_and2d", "test_nonzero_example" })
        {
            CopyTest("node", test, "node");
        }
        // A wrapper that logs its arguments before it runs Node: proves one Node process served every module.
        var log = Path.Combine(_dir, "node.log");
        var wrapper = Path.Combine(_dir, "node-wrapper.sh");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$@\" >> '{log}'\nexec /usr/bin/node \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var result = CliRunner.Run("onnxtest", "--host", "node=" + wrapper, Path.Combine(_dir, "node"));

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal("6 passed, 0 failed, 0 unsupported", result.Stdout.Trim());
        var started = File.ReadAllLines(log);
        Assert.Single(started);
        Assert.EndsWith("node-host.mjs", started[0]);
    }

    [Fact]
    public void OnnxTest_HostNodeWithWrongExpectedData_ReportsTheTestFailed()
    {
        CopyTest("node", "test_add", "node");
        // test_relu's expected output has test_add's shape and type but other values.
        File.Copy(Path.Combine(TestData, "node", "test_relu", "test_data_set_0", "output_0.pb"),
            Path.Combine(_dir, "node", "test_add", "test_data_set_0", "output_0.pb"), overwrite: true);

        var result = CliRunner.Run("onnxtest", "--host", "node", Path.Combine(_dir, "node"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed: test_add: test_data_set_0 output 0 ('sum'): element 0: got", result.Stdout);
        Assert.EndsWith("0 passed, 1 failed, 0 unsupported", result.Stdout.Trim());
    }

    [Fact]
    public void OnnxTest_Every_RunsEveryKthTestByNameFromTheFirst()
    {
        foreach (var test in new[] { "test_abs", "test_add", "test_bernoulli", "test_relu", "test_sigmoid" })
        {
            CopyTest("node", test, "node");
        }

        var result = CliRunner.Run("onnxtest", "--every", "2", "--verbose", Path.Combine(_dir, "node"));

        // test_abs, test_bernoulli (unsupported, listed) and test_sigmoid.
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("unsupported: test_bernoulli: ", lines[0]);
        Assert.Equal("2 passed, 0 failed, 1 unsupported", lines[^1]);
    }

    [Theory]
    [InlineData("--host", "v8", "--host takes 'engine', 'node' or 'node=PATH'")]
    [InlineData("--host", "node=/no/such/node", "no such file")]
    [InlineData("--every", "0", "--every takes a positive count")]
    public void OnnxTest_BadHostOrSample_ExitsWithUsageError(string flag, string value, string mention)
    {
        CopyTest("node", "test_relu", "node");

        var result = CliRunner.Run("onnxtest", flag, value, Path.Combine(_dir, "node"));

        CliRunner.AssertCleanError(result, 2, mention);
    }
}
