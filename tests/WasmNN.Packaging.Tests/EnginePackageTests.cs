namespace WasmNN.Packaging.Tests;

/// <summary>
/// The engine packages without the compiler: WasmNN.Engine (with the format library it depends on) and WasmNN.Wasi,
/// each running its package README's sample in a console app.
/// </summary>
public sealed class EnginePackageTests
{
    [Fact]
    public void EnginePackage_ReadmeSample_RunsModuleWithHostImport()
    {
        using var sandbox = new PackageSandbox();
        var app = ConsoleApp.Build(sandbox, "EngineOnly", PackageReadme.CSharpSample("WasmNN.Engine"), "WasmNN.Engine");
        Assert.True(sandbox.Extracted("WasmNN.Engine"), "WasmNN.Engine did not come from the local package folder");
        var resolved = app.ResolvedPackages();
        Assert.Contains("wasmnn.wasm", resolved);
        Assert.DoesNotContain("wasmnn.compiler", resolved);
        Assert.DoesNotContain("google.protobuf", resolved);
        // The module the sample expects: add(a, b) logs a through the host import, then returns a + b.
        Wat2Wasm(Path.Combine(app.Directory, "program.wasm"), """
            (module
              (import "env" "log" (func $log (param i32)))
              (memory (export "memory") 1)
              (func (export "add") (param i32 i32) (result i32)
                (call $log (local.get 0))
                (i32.add (local.get 0) (local.get 1))))
            """);

        var lines = app.Run().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Equal(["2", "5"], lines);
    }

    [Fact]
    public void WasiPackage_ReadmeSample_RunsCommandWithArguments()
    {
        using var sandbox = new PackageSandbox();
        var app = ConsoleApp.Build(sandbox, "WasiCommand", PackageReadme.CSharpSample("WasmNN.Wasi"), "WasmNN.Wasi");
        Assert.True(sandbox.Extracted("WasmNN.Wasi"), "WasmNN.Wasi did not come from the local package folder");
        Assert.DoesNotContain("wasmnn.compiler", app.ResolvedPackages());
        // A WASI command that exits with its argument count (args_sizes_get, then proc_exit), in the sample's folder
        // beside the "data" folder it preopens.
        Directory.CreateDirectory(Path.Combine(app.Directory, "data"));
        Wat2Wasm(Path.Combine(app.Directory, "prog.wasm"), """
            (module
              (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
              (memory (export "memory") 1)
              (func (export "_start")
                (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
                (call $proc_exit (i32.load (i32.const 0)))))
            """);

        var stdout = app.Run().Trim();

        Assert.Equal("Exited 2", stdout); // the sample passes ["prog", "arg"]
    }

    private static void Wat2Wasm(string wasmPath, string wat)
    {
        var watPath = Path.ChangeExtension(wasmPath, ".wat");
        File.WriteAllText(watPath, wat);
        var result = ProcessRunner.Run("wat2wasm", [watPath, "-o", wasmPath]);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }
}
