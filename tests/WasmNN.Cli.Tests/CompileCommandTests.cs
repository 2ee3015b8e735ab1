namespace WasmNN.Cli.Tests;

public sealed class CompileCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-compile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string LeNet5 => Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx");

    private static string[] Headers(string stdout) => [.. stdout.Split('\n').Where(l => l.StartsWith("; after ", StringComparison.Ordinal))];

    [Fact]
    public void Compile_DumpAfterOnePass_PrintsTheIrOnceAfterThatPass()
    {
        var wasm = Path.Combine(_dir, "lenet5.wasm");

        var result = CliRunner.Run("compile", LeNet5, "-o", wasm, "--dump-after", "FoldConstants");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["; after FoldConstants (pass 4 of 13)"], Headers(result.Stdout));
        Assert.Contains("\ngraph ", result.Stdout);
        Assert.Contains("\ninput %", result.Stdout);
        Assert.Contains("\nnode ", result.Stdout);
        Assert.Contains(" = Conv(%", result.Stdout);
        Assert.True(File.Exists(wasm));
    }

    [Fact]
    public void Compile_DumpAfterAll_PrintsImportAndEveryPass()
    {
        var result = CliRunner.Run("compile", LeNet5, "-o", Path.Combine(_dir, "all.wasm"), "--dump-after", "all");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["; after import", "; after InferShapes (pass 1 of 13)", "; after EliminateIdentities (pass 2 of 13)", "; after FuseQuantizedOperators (pass 3 of 13)",
             "; after FoldConstants (pass 4 of 13)", "; after InlineIfBranches (pass 5 of 13)", "; after UnrollLoops (pass 6 of 13)", "; after LowerEinsum (pass 7 of 13)",
             "; after FoldBatchNormIntoConv (pass 8 of 13)", "; after FuseLayerNormalization (pass 9 of 13)", "; after FuseGelu (pass 10 of 13)",
             "; after EliminateDeadNodes (pass 11 of 13)", "; after FuseElementwise (pass 12 of 13)", "; after InferShapes (pass 13 of 13)"],
            Headers(result.Stdout));
    }

    [Fact]
    public void Compile_DumpAfterUnknownPass_UsageErrorOnOneLineAndNoOutputFile()
    {
        var wasm = Path.Combine(_dir, "never.wasm");

        var result = CliRunner.Run("compile", LeNet5, "-o", wasm, "--dump-after", "FoldEverything");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'FoldEverything'", line);
        Assert.Contains("FuseElementwise", line);
        Assert.False(File.Exists(wasm));
    }

    [Fact]
    public void Compile_VerifyEach_ValidModelCompiles()
    {
        var wasm = Path.Combine(_dir, "verified.wasm");

        var result = CliRunner.Run("compile", LeNet5, "-o", wasm, "--verify-each");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr.Trim());
        Assert.True(File.Exists(wasm));
    }

    [Fact]
    public void Compile_MissingModel_UsageExitOnOneLineAndNoOutputFile()
    {
        var wasm = Path.Combine(_dir, "missing.wasm");

        var result = CliRunner.Run("compile", Path.Combine(_dir, "missing.onnx"), "-o", wasm);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing.onnx: no such file", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(wasm));
    }
}
