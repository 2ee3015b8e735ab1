using WasmNN.Onnx;

namespace WasmNN.Cli.Tests;

/// <summary><c>wasmnn quantize</c> on the shared LeNet-5: the QDQ model and its summary, and clean errors that write nothing.</summary>
public sealed class QuantizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-quantize-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyShared(string name)
    {
        var path = Path.Combine(_dir, name);
        File.Copy(Path.Combine(RepositoryPaths.Shared, "models", name), path);
        return path;
    }

    [Fact]
    public void Quantize_CalibrationFolder_WritesQdqModelAndSummary()
    {
        var model = CopyShared("lenet5.onnx");
        var calibration = Directory.CreateDirectory(Path.Combine(_dir, "calibration")).FullName;
        File.Copy(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.input.npy"), Path.Combine(calibration, "0.npy"));
        var output = Path.Combine(_dir, "lenet5.int8.onnx");

        var result = CliRunner.Run("quantize", model, "-o", output, "--calibration", calibration, "--percentile", "99.99");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("2 Conv, 3 Gemm", result.Stdout);
        Assert.Contains("1 input", result.Stdout);
        var written = OnnxModelLoader.LoadModel(output).Graph;
        Assert.Contains(written.Node, n => n.OpType == "QuantizeLinear");
        Assert.Equal(5, written.Node.Count(n => n.OpType == "DequantizeLinear" && n.Attribute.Any(a => a.Name == "axis") && n.Input[0].Contains("weight", StringComparison.Ordinal)));
        Assert.DoesNotContain(written.Initializer, t => t.DataType == 1 && t.Dims.Count > 1);
    }

    [Fact]
    public void Quantize_RandomCalibration_DefaultOutputBesideTheModel()
    {
        var model = CopyShared("lenet5.onnx");

        var result = CliRunner.Run("quantize", model, "--calibration", "random:2");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("2 inputs", result.Stdout);
        Assert.True(File.Exists(Path.Combine(_dir, "lenet5.int8.onnx")));
    }

    [Theory]
    [InlineData("random:0", null, "random:N")]
    [InlineData("random:x", null, "random:N")]
    [InlineData("no-such-folder", null, "no such folder")]
    [InlineData("random:1", "50", "--percentile")]
    [InlineData("random:1", "100.5", "--percentile")]
    [InlineData("random:1", "bits:6", "--weight-bits")]
    public void Quantize_BadCalibrationFlags_UsageErrorWritesNothing(string calibration, string? percentile, string mention)
    {
        var model = CopyShared("lenet5.onnx");
        string[] args = ["quantize", model, "-o", Path.Combine(_dir, "q.onnx"), "--calibration", calibration];

        var result = CliRunner.RunIn(_dir, percentile switch
        {
            null => args,
            ['b', 'i', 't', 's', ':', .. var bits] => [.. args, "--weight-bits", bits],
            _ => [.. args, "--percentile", percentile],
        });

        CliRunner.AssertCleanError(result, 2, mention);
        Assert.Equal(["lenet5.onnx"], CliRunner.Files(_dir));
    }

    [Fact]
    public void Quantize_CalibrationFileOfWrongShape_UsageErrorNamesTheInput()
    {
        var model = CopyShared("lenet5.onnx");
        var calibration = Directory.CreateDirectory(Path.Combine(_dir, "calibration")).FullName;
        File.Copy(Path.Combine(RepositoryPaths.Shared, "models", "squeezenet1_1.input.npy"), Path.Combine(calibration, "0.npy"));

        var result = CliRunner.Run("quantize", model, "-o", Path.Combine(_dir, "q.onnx"), "--calibration", calibration);

        CliRunner.AssertCleanError(result, 2, "input 'input'", "[1, 1, 28, 28]");
        Assert.False(File.Exists(Path.Combine(_dir, "q.onnx")));
    }
}
