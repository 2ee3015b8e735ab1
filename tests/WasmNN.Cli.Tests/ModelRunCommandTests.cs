using System.Globalization;
using System.Text.RegularExpressions;
using WasmNN.Compiler;
using WasmNN.Compiler.IO;

namespace WasmNN.Cli.Tests;

/// <summary>LeNet-5 compiled once for the <c>wasmnn run MODEL.wasm</c> tests.</summary>
public sealed class LeNetModelFixture : IDisposable
{
    public LeNetModelFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("wasmnn-cli-model-").FullName;
        Wasm = Path.Combine(Directory, "lenet5.wasm");
        ModelCompiler.Compile(SharedModel("lenet5.onnx")).WriteTo(Wasm);
    }

    public string Directory { get; }

    public string Wasm { get; }

    public static string SharedModel(string name) => Path.Combine(RepositoryPaths.Shared, "models", name);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// <c>wasmnn run MODEL.wasm --input NAME=FILE.npy [--output DIR]</c> with good and hostile inputs: every bad input
/// is one line naming the problem and the file, exit 2, and nothing written.
/// </summary>
public sealed partial class ModelRunCommandTests(LeNetModelFixture model) : IClassFixture<LeNetModelFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string ValidInput() => Write("input.npy", File.ReadAllBytes(LeNetModelFixture.SharedModel("lenet5.input.npy")));

    /// <summary>The hostile .npy files of the hardening issue, each built from the format specification.</summary>
    public static TheoryData<string, string> BadInputs() => new()
    {
        { "huge", "needs 4000000000000000000 data bytes" },          // header claims 1e18 floats
        { "overflow", "too large" },                                   // product of the shape overflows
        { "negative", "negative dimension" },
        { "text", "not a .npy file" },
        { "version9", "version 9.0" },
        { "trailing", "4 unexpected bytes after the data" },
        { "repeated-key", "key 'shape' appears twice" },
        { "truncated", "needs 3136 data bytes, the file has 3000" },
        { "float64", "expects float32 [1, 1, 28, 28]" },
        { "wrong-shape", "expects float32 [1, 1, 28, 28]" },
        { "fortran-extra-key", "unexpected key 'extra'" },
    };

    private static byte[] BadInput(string kind) => kind switch
    {
        "huge" => NpyFiles.Spec(NpyFiles.Header("(1000000000, 1000000000)"), 16),
        "overflow" => NpyFiles.Spec(NpyFiles.Header("(2147483647, 2147483647, 2147483647)"), 16),
        "negative" => NpyFiles.Spec(NpyFiles.Header("(-1, 784)"), 3136),
        "text" => "this is a text file, not numpy\n"u8.ToArray(),
        "version9" => NpyFiles.Spec(NpyFiles.Header("(1, 1, 28, 28)"), 3136, major: 9),
        "trailing" => NpyFiles.Spec(NpyFiles.Header("(1, 1, 28, 28)"), 3140),
        "repeated-key" => NpyFiles.Spec(NpyFiles.Header("(1, 1, 28, 28)", "'shape': (1, 1, 28, 28), "), 3136),
        "truncated" => NpyFiles.Spec(NpyFiles.Header("(1, 1, 28, 28)"), 3000),
        "float64" => NpyFiles.Spec("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 28, 28), }", 6272),
        "wrong-shape" => NpyFiles.Spec(NpyFiles.Header("(1, 784)"), 3136),
        _ => NpyFiles.Spec(NpyFiles.Header("(1, 1, 28, 28)", "'extra': 1, "), 3136),
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Run_HostileNpyInput_OneLineExit2AndNoOutput(string kind, string problem)
    {
        var input = Write($"{kind}.npy", BadInput(kind));
        var output = Path.Combine(_dir, "out");

        var result = CliRunner.Run("run", model.Wasm, "--input", $"input={input}", "--output", output);

        CliRunner.AssertCleanError(result, 2, problem, $"{kind}.npy");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_SameInputGivenTwice_RefusedInsteadOfLastWins()
    {
        var input = ValidInput();

        var named = CliRunner.Run("run", model.Wasm, "--input", $"input={input}", "--input", $"input={input}");
        var mixed = CliRunner.Run("run", model.Wasm, "--input", input, "--input", $"input={input}");

        CliRunner.AssertCleanError(named, 2, "--input input is given twice");
        CliRunner.AssertCleanError(mixed, 2, "given twice");
    }

    [Fact]
    public void Run_WithoutOutput_PrintsPyTorchsValuesAndWritesNothing()
    {
        ValidInput();
        var before = CliRunner.Files(_dir);

        var result = CliRunner.RunIn(_dir, "run", model.Wasm, "--input", "input=input.npy");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(before, CliRunner.Files(_dir));
        var line = result.Stdout.Split('\n').Single(l => l.StartsWith("output: float32 [1, 10] = [", StringComparison.Ordinal));
        var printed = NumberPattern().Matches(line[line.IndexOf('=', StringComparison.Ordinal)..]).Select(m => float.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
        var expected = (float[])Npy.Read(LeNetModelFixture.SharedModel("lenet5.output.npy")).Data;
        Assert.Equal(expected.Length, printed.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(printed[i] - expected[i]) <= 1e-4 + 1e-4 * Math.Abs(expected[i]), $"output[{i}]: {printed[i]} vs PyTorch {expected[i]}");
    }

    [Fact]
    public void Run_WithOutput_WritesPyTorchsValuesAsNpy()
    {
        var output = Path.Combine(_dir, "out");

        var result = CliRunner.Run("run", model.Wasm, "--input", $"input={ValidInput()}", "--output", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["output.npy"], CliRunner.Files(output));
        var actual = (float[])Npy.Read(Path.Combine(output, "output.npy")).Data;
        var expected = (float[])Npy.Read(LeNetModelFixture.SharedModel("lenet5.output.npy")).Data;
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"output[{i}]: {actual[i]} vs PyTorch {expected[i]}");
    }

    [Fact]
    public void Run_ExternalWeightsMappedOrRead_WritesTheEmbeddedBuildsBytes()
    {
        var wasm = Path.Combine(_dir, "external.wasm");
        ModelCompiler.Compile(LeNetModelFixture.SharedModel("lenet5.onnx"), new CompileOptions { WeightsFile = "external.weights" }).WriteTo(wasm);
        var input = ValidInput();
        var embedded = Path.Combine(_dir, "embedded");
        var mapped = Path.Combine(_dir, "mapped");
        var read = Path.Combine(_dir, "read");

        var results = new[]
        {
            CliRunner.Run("run", model.Wasm, "--input", $"input={input}", "--output", embedded),
            CliRunner.Run("run", wasm, "--input", $"input={input}", "--output", mapped),
            CliRunner.Run("run", wasm, "--no-map-weights", "--input", $"input={input}", "--output", read),
        };

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        Assert.Contains(OperatingSystem.IsLinux() ? "(weights mapped from external.weights)" : "(weights ", results[1].Stdout, StringComparison.Ordinal);
        Assert.Contains("(weights read from external.weights)", results[2].Stdout, StringComparison.Ordinal);
        var expected = File.ReadAllBytes(Path.Combine(embedded, "output.npy"));
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(mapped, "output.npy")));
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(read, "output.npy")));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("directory")]
    [InlineData("empty")]
    public void Run_InputPathNotAFile_Exit2(string kind)
    {
        var path = kind switch { "missing" => Path.Combine(_dir, "absent.npy"), "directory" => _dir, _ => "" };

        var result = CliRunner.Run("run", model.Wasm, "--input", $"input={path}");

        CliRunner.AssertCleanError(result, 2, kind == "empty" ? "--input expects NAME=FILE.npy" : path);
    }

    [Fact]
    public void Run_OutputIsAFileOrEmptyOrUnwritable_Exit2AndNothingWritten()
    {
        var input = ValidInput();
        var file = Write("taken", [1, 2, 3]);

        var isFile = CliRunner.Run("run", model.Wasm, "--input", $"input={input}", "--output", file);
        var empty = CliRunner.Run("run", model.Wasm, "--input", $"input={input}", "--output", "");
        // A folder below a file cannot be created (root ignores permission bits, so this is the unwritable case).
        var unwritable = CliRunner.Run("run", model.Wasm, "--input", $"input={input}", "--output", Path.Combine(file, "out"));

        CliRunner.AssertCleanError(isFile, 2, "--output is a file");
        CliRunner.AssertCleanError(empty, 2, "--output folder path is empty");
        CliRunner.AssertCleanError(unwritable, 2, "cannot write", "out");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(file));
        Assert.Equal(["input.npy", "taken"], CliRunner.Files(_dir));
    }

    [Fact]
    public void Run_UnknownOption_Exit2()
    {
        CliRunner.AssertCleanError(CliRunner.Run("run", model.Wasm, "--inputs", "x.npy"), 2, "unexpected argument '--inputs'");
        CliRunner.AssertCleanError(CliRunner.Run("run", model.Wasm, "--repeat", "-3"), 2, "--repeat");
        CliRunner.AssertCleanError(CliRunner.Run("run", model.Wasm, "--input"), 2, "--input needs a value");
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?(E[-+]?\d+)?")]
    private static partial Regex NumberPattern();
}
