namespace WasmNN.Cli.Tests;

/// <summary>
/// Every verb walked with hostile flags (empty strings, missing files, folders instead of files, bad numbers):
/// one line naming the problem, exit 2, never an internal error or the help text.
/// </summary>
public sealed class HostileFlagTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-flags-").FullName;

    public HostileFlagTests() => File.WriteAllBytes(Program, EmptyStart);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>(module (func (export "_start"))): a WASI command that does nothing.</summary>
    private static readonly byte[] EmptyStart =
    [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x0A, 0x01, 0x06, (byte)'_', (byte)'s', (byte)'t', (byte)'a', (byte)'r', (byte)'t', 0x00, 0x00,
        0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
    ];

    private string Program => Path.Combine(_dir, "prog.wasm");

    [Theory]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("2147484")]
    [InlineData("1e300")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("")]
    public void Run_BadTimeout_Exit2NamingTheFlag(string value)
    {
        CliRunner.AssertCleanError(CliRunner.Run("run", "--timeout", value, Program), 2, "--timeout", "wasmnn run --help");
    }

    [Fact]
    public void Run_GoodTimeout_RunsTheProgram()
    {
        var result = CliRunner.Run("run", "--timeout", "2147483", Program);

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Theory]
    [InlineData("--dir", "")]
    [InlineData("--dir", "::guest")]
    [InlineData("--dir", " ")]
    [InlineData("--max-memory", "-1")]
    [InlineData("--max-memory", "")]
    [InlineData("--env", "=x")]
    [InlineData("--env", "")]
    public void Run_BadOptionValue_Exit2NamingTheFlag(string option, string value)
    {
        CliRunner.AssertCleanError(CliRunner.Run("run", option, value, Program), 2, option);
    }

    [Fact]
    public void Verbs_EmptyMissingOrFolderPaths_Exit2()
    {
        var absent = Path.Combine(_dir, "absent.wasm");
        string[][] commands =
        [
            ["run", ""], ["run", absent], ["run", _dir],
            ["validate", ""], ["validate", absent], ["validate", _dir],
            ["print", ""], ["print", _dir],
            ["inspect", ""], ["inspect", absent], ["inspect", _dir],
            ["spectest", ""], ["spectest", absent],
            ["onnxtest", ""], ["onnxtest", absent],
            ["zoo", "lenet5", "-o", ""], ["zoo", "lenet5", "-o", _dir], ["zoo", "nosuchmodel", "-o", absent],
            ["zoo", "lenet5", "-o", Path.Combine(_dir, "m.onnx"), "--sample-input", ""],
            ["zoo", "lenet5", "-o", Path.Combine(_dir, "m.onnx"), "--seed", "x"],
        ];
        foreach (var command in commands)
        {
            var result = CliRunner.Run(command);
            Assert.True(result.ExitCode == 2, $"wasmnn {string.Join(' ', command)}: exit {result.ExitCode}: {result.Stderr}");
            CliRunner.AssertCleanError(result, 2);
        }
        Assert.Equal(["prog.wasm"], CliRunner.Files(_dir));
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("run")]
    [InlineData("compile")]
    [InlineData("compile", "m.onnx", "--no-such-flag")]
    [InlineData("validate", "a.wasm", "b.wasm")]
    public void CommandLine_UnknownOrMissingParts_OneLineExit2(params string[] args)
    {
        var result = CliRunner.Run(args);

        CliRunner.AssertCleanError(result, 2, "--help");
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void CommandLine_UnknownVerb_NamesIt()
    {
        CliRunner.AssertCleanError(CliRunner.Run("bogus"), 2, "'bogus'");
    }

    [Fact]
    public void Inspect_NotACompiledModel_Exit1()
    {
        CliRunner.AssertCleanError(CliRunner.Run("inspect", Program), 1, "prog.wasm", "not a compiled model");
    }
}
