namespace WasmNN.Cli.Tests;

/// <summary>
/// <c>wasmnn compile --threads N</c> and <c>wasmnn run --threads N</c>: the threads build runs on several workers
/// and writes the same output bytes as the one-thread build; bad counts are usage errors that write nothing.
/// </summary>
public sealed class ThreadsFlagTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-threads-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RunThreads_ThreadsBuild_WritesTheOneThreadBuildsOutputBytes()
    {
        var onnx = LeNetModelFixture.SharedModel("lenet5.onnx");
        var input = LeNetModelFixture.SharedModel("lenet5.input.npy");
        var single = Path.Combine(_dir, "single.wasm");
        var threaded = Path.Combine(_dir, "threaded.wasm");
        Assert.Equal(0, CliRunner.Run("compile", onnx, "-o", single).ExitCode);
        Assert.Equal(0, CliRunner.Run("compile", onnx, "-o", threaded, "--threads", "4").ExitCode);
        Directory.CreateDirectory(Path.Combine(_dir, "a"));
        Directory.CreateDirectory(Path.Combine(_dir, "b"));

        var one = CliRunner.Run("run", single, "--input", input, "--output", Path.Combine(_dir, "a"));
        var three = CliRunner.Run("run", threaded, "--input", input, "--output", Path.Combine(_dir, "b"), "--threads", "3");

        Assert.Equal(0, one.ExitCode);
        Assert.True(three.ExitCode == 0, three.Stderr);
        Assert.Contains("on 3 threads", three.Stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", "output.npy")), File.ReadAllBytes(Path.Combine(_dir, "b", "output.npy")));
    }

    [Theory]
    [InlineData("65", "0 to 64")]
    [InlineData("-1", "0 to 64")]
    public void CompileThreads_CountOutOfRange_IsUsageErrorAndWritesNothing(string count, string mention)
    {
        var output = Path.Combine(_dir, "m.wasm");

        var result = CliRunner.Run("compile", LeNetModelFixture.SharedModel("lenet5.onnx"), "-o", output, "--threads", count);

        CliRunner.AssertCleanError(result, 2, "--threads", mention);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void CompileThreads_WithWasi_IsUsageError()
    {
        var output = Path.Combine(_dir, "m.wasm");

        var result = CliRunner.Run("compile", LeNetModelFixture.SharedModel("lenet5.onnx"), "-o", output, "--threads", "2", "--wasi");

        CliRunner.AssertCleanError(result, 2, "--threads", "--wasi");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void CompilePhaseProfile_WithoutThreads_IsUsageErrorAndWritesNothing()
    {
        var output = Path.Combine(_dir, "m.wasm");

        var result = CliRunner.Run("compile", LeNetModelFixture.SharedModel("lenet5.onnx"), "-o", output, "--phase-profile");

        CliRunner.AssertCleanError(result, 2, "--phase-profile", "--threads");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void RunThreads_ZeroWorkers_IsUsageError()
    {
        var wasm = Path.Combine(_dir, "m.wasm");
        Assert.Equal(0, CliRunner.Run("compile", LeNetModelFixture.SharedModel("lenet5.onnx"), "-o", wasm, "--threads", "2").ExitCode);

        var result = CliRunner.Run("run", wasm, "--input", LeNetModelFixture.SharedModel("lenet5.input.npy"), "--threads", "0");

        CliRunner.AssertCleanError(result, 2, "--threads", "'0'");
    }
}
