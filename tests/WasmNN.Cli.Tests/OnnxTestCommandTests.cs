namespace WasmNN.Cli.Tests;

/// <summary><c>wasmnn onnxtest</c> over one set and over a folder of sets (copies of libonnx-testdata tests).</summary>
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
}
