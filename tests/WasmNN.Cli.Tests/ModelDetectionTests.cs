using WasmNN.Compiler.IO;

namespace WasmNN.Cli.Tests;

/// <summary>
/// <c>wasmnn run</c> tells a compiled model (the <c>wasmnn.meta</c> custom section, found by the format library)
/// from a WASI program, and <c>wasmnn inspect</c> reads the same section.
/// </summary>
public sealed class ModelDetectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-detect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Model(string file) => Path.Combine(RepositoryPaths.Shared, "models", file);

    private string CompileLeNet5()
    {
        var wasm = Path.Combine(_dir, "lenet5.wasm");
        var compile = CliRunner.Run("compile", Model("lenet5.onnx"), "-o", wasm);
        Assert.True(compile.ExitCode == 0, compile.Stderr);
        return wasm;
    }

    [Fact]
    public void Run_CompiledModel_RunsAsModelAndMatchesPyTorch()
    {
        var wasm = CompileLeNet5();
        var outputs = Path.Combine(_dir, "out");

        var run = CliRunner.Run("run", wasm, "--input", Model("lenet5.input.npy"), "--output", outputs);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var expected = (float[])Npy.Read(Model("lenet5.output.npy")).Data;
        var actual = (float[])Npy.Read(Path.Combine(outputs, "output.npy")).Data;
        ReferenceOutputs.AssertClose(expected, actual);
    }

    [Fact]
    public void Run_ModuleWithoutMetadata_RunsAsWasiCommand()
    {
        var wat = Path.Combine(_dir, "exit7.wat");
        File.WriteAllText(wat, """
            (module
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (func (export "_start") (call $exit (i32.const 7))))
            """);
        var wasm = Path.Combine(_dir, "exit7.wasm");
        Assert.Equal(0, ProcessRunner.Run("wat2wasm", [wat, "-o", wasm]).ExitCode);

        Assert.Equal(7, CliRunner.Run("run", wasm).ExitCode);
    }

    [Fact]
    public void Inspect_CompiledModel_ListsTheMetadataTensors()
    {
        var inspect = CliRunner.Run("inspect", CompileLeNet5());

        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        Assert.Contains("output", inspect.Stdout, StringComparison.Ordinal);
        Assert.Contains("Conv", inspect.Stdout, StringComparison.Ordinal);
    }
}
