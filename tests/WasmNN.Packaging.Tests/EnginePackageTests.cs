using System.Globalization;

namespace WasmNN.Packaging.Tests;

/// <summary>The engine package alone (WasmNN.Engine, with the format library it depends on) runs a .wasm.</summary>
public sealed class EnginePackageTests
{
    [Fact]
    public void EnginePackage_ConsoleApp_RunsModuleWithHostImport()
    {
        using var sandbox = new PackageSandbox();
        var wat = Path.Combine(sandbox.Directory, "program.wat");
        File.WriteAllText(wat, """
            (module
              (import "env" "log" (func $log (param i64)))
              (memory (export "memory") 1)
              (func $fac (export "fac") (param i64) (result i64)
                (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
                  (then (i64.const 1))
                  (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
              (func (export "log_fac") (param i64)
                (call $log (call $fac (local.get 0)))))
            """);
        var program = Path.Combine(sandbox.Directory, "program.wasm");
        Assert.Equal(0, ProcessRunner.Run("wat2wasm", [wat, "-o", program]).ExitCode);

        var app = ConsoleApp.Build(sandbox, "EngineOnly", """
            using WasmNN.Engine;

            var engine = new Engine();
            var module = engine.CompileFile(args[0]);
            var linker = new Linker(engine);
            linker.DefineFunction("env", "log", (long x) => Console.WriteLine(x));
            var instance = linker.Instantiate(module);
            instance.GetFunction<Action<long>>("log_fac")(20);
            Console.WriteLine(instance.GetMemory()!.Span.Length);
            """, "WasmNN.Engine");
        Assert.True(sandbox.Extracted("WasmNN.Engine"), "WasmNN.Engine did not come from the local package folder");
        var resolved = app.ResolvedPackages();
        Assert.Contains("wasmnn.wasm", resolved);
        Assert.DoesNotContain("wasmnn.compiler", resolved);
        Assert.DoesNotContain("google.protobuf", resolved);

        var lines = app.Run(program).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var factorial = Enumerable.Range(1, 20).Aggregate(System.Numerics.BigInteger.One, (p, k) => p * k);
        Assert.Equal([factorial.ToString(CultureInfo.InvariantCulture), "65536"], lines);
    }
}
