namespace WasmNN.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Validate_ValidModule_ExitsZero()
    {
        // (module (func (export "f") (result i32) i32.const 7))
        byte[] module =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
            0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0B,
        ];
        var result = CliRunner.Run("validate", Write("ok.wasm", module));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("valid", result.Stdout);
    }

    [Fact]
    public void Validate_TruncatedModule_NamesSectionAndOffsetWithoutStackTrace()
    {
        // The type section claims 5 bytes but the file ends after 2.
        byte[] module = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60];
        var result = CliRunner.Run("validate", Write("truncated.wasm", module));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("malformed", result.Stderr);
        Assert.Contains("byte offset", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Validate_InvalidModule_ReportsTypeMismatchWithOffset()
    {
        // (func (result i32) f32.const 0) : the body leaves an f32 where an i32 is expected.
        byte[] module =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x43, 0x00, 0x00, 0x00, 0x00, 0x0B,
        ];
        var result = CliRunner.Run("validate", Write("invalid.wasm", module));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("type mismatch", result.Stderr);
        Assert.Contains("byte offset", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Print_ValidModule_PrintsInstructions()
    {
        byte[] module =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0B,
        ];
        var result = CliRunner.Run("print", Write("p.wasm", module));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("i32.const 7", result.Stdout);
    }
}
