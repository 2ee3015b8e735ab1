namespace WasmNN.Cli.Tests;

/// <summary><c>wasmnn spectest DIR</c> over a folder that also holds JSON files that are not spec scripts.</summary>
public sealed class SpecTestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-cli-spec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>(module (func (export "f") (result i32) i32.const 7)).</summary>
    private static readonly byte[] ReturnsSeven =
    [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0B,
    ];

    [Fact]
    public void SpecTest_FolderWithNonScriptJson_ReportsEachAsOneFailureAndRunsTheRest()
    {
        File.WriteAllBytes(Path.Combine(_dir, "seven.0.wasm"), ReturnsSeven);
        // As wast2json writes `(module ...) (assert_return (invoke "f") (i32.const 7))`.
        File.WriteAllText(Path.Combine(_dir, "seven.json"), """
            {"source_filename": "seven.wast", "commands": [
              {"type": "module", "line": 1, "filename": "seven.0.wasm"},
              {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "f", "args": []}, "expected": [{"type": "i32", "value": "7"}]}]}
            """);
        File.WriteAllText(Path.Combine(_dir, "a-package.json"), """{"name": "not a spec script"}""");
        File.WriteAllText(Path.Combine(_dir, "b-broken.json"), "{ this is not json");
        File.WriteAllText(Path.Combine(_dir, "c-array.json"), "[1, 2, 3]");
        File.WriteAllText(Path.Combine(_dir, "d-commands.json"), """{"commands": [42, {"line": 3}]}""");

        var result = CliRunner.Run("spectest", _dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Contains("a-package.json is not a wabt spec-test script", result.Stdout);
        Assert.Contains("b-broken.json is not a wabt spec-test script", result.Stdout);
        Assert.Contains("c-array.json is not a wabt spec-test script", result.Stdout);
        Assert.Contains("seven: 1 passed, 0 failed, 0 skipped", result.Stdout);
        Assert.EndsWith("1 passed, 5 failed, 0 skipped", result.Stdout.TrimEnd());
    }
}
