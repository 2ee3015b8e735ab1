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
        Assert.Equal(["; after FoldConstants (pass 5 of 16)"], Headers(result.Stdout));
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
            ["; after import", "; after InferShapes (pass 1 of 16)", "; after EliminateIdentities (pass 2 of 16)", "; after ExpandOperators (pass 3 of 16)", "; after FuseQuantizedOperators (pass 4 of 16)", "; after FoldConstants (pass 5 of 16)", "; after ResolveSequences (pass 6 of 16)", "; after InlineIfBranches (pass 7 of 16)", "; after UnrollLoops (pass 8 of 16)", "; after ResolveSequences (pass 9 of 16)", "; after LowerEinsum (pass 10 of 16)", "; after FoldBatchNormIntoConv (pass 11 of 16)", "; after FuseLayerNormalization (pass 12 of 16)", "; after FuseGelu (pass 13 of 16)", "; after EliminateDeadNodes (pass 14 of 16)", "; after FuseElementwise (pass 15 of 16)", "; after InferShapes (pass 16 of 16)"],
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
