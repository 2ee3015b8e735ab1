using System.Reflection;
using System.Runtime.Intrinsics.X86;
using System.Text;
using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// The SIMD lowering calls only what the JIT expands in place (JIT cliff 1 in ../shared/DESIGN-NOTES.md): read back
/// the IL compiled for every module of the SIMD and relaxed-SIMD spec suites and inspect each call.
/// </summary>
public class SimdLoweringTests
{
    public static TheoryData<string> SpecFolders => new() { "simd", "relaxed-simd" };

    [Theory]
    [MemberData(nameof(SpecFolders))]
    public void CompiledSpecModules_EveryIntrinsicCall_IsClosedAndJitExpanded(string folder)
    {
        var engine = new Engine();
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        int calls = 0;
        foreach (var path in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Shared, "wasm-spec", folder), "*.wasm", SearchOption.AllDirectories))
        {
            WasmNN.Wasm.WasmModule module;
            try
            {
                module = ModuleReader.Read(File.ReadAllBytes(path));
                engine.Compile(module); // validates; modules meant to fail are skipped
            }
            catch (WasmNN.Wasm.WasmFormatException)
            {
                continue;
            }
            var (methods, _) = ModuleCompiler.Compile(engine, module, "lowering-test");
            foreach (var callee in methods.SelectMany(m => IlStatistics.Of(m).Callees))
            {
                var owner = callee.DeclaringType!;
                if (owner == typeof(Runtime.SimdOperations) && Sse41.IsSupported)
                {
                    problems.Add($"{callee.Name}: scalar helper called on a CPU with SSE4.1");
                }
                if (owner.Namespace?.StartsWith("System.Runtime.Intrinsics", StringComparison.Ordinal) != true) continue;
                calls++;
                if (callee.ContainsGenericParameters) problems.Add($"{owner.Name}.{callee.Name}: open generic");
                bool intrinsic = callee.IsDefined(IntrinsicAttribute, inherit: false) || IsHardwareIntrinsicClass(owner);
                if (!intrinsic) problems.Add($"{owner.Name}.{callee.Name}: not a JIT intrinsic");
            }
        }
        Assert.True(calls > 100, $"only {calls} intrinsic calls found");
        Assert.Empty(problems);
    }

    [Fact]
    public void Diagnostics_FunctionPastTheBasicBlockLimit_IsReported()
    {
        var wat = new StringBuilder("(module (func $f (export \"f\") (param i32) (result i32)\n");
        for (int i = 0; i < 1500; i++) wat.Append("(if (local.get 0) (then (local.set 0 (i32.add (local.get 0) (i32.const 1)))))\n");
        wat.Append("(local.get 0)))");
        var warnings = new List<string>();
        new Engine(new EngineOptions { Diagnostics = warnings.Add }).Compile(Wat.Assemble(wat.ToString()));
        var warning = Assert.Single(warnings);
        Assert.Contains("basic blocks", warning);
        Assert.StartsWith("function 0 (f): ", warning);
    }

    [Fact]
    public void Diagnostics_SmallFunction_IsNotReported()
    {
        var warnings = new List<string>();
        new Engine(new EngineOptions { Diagnostics = warnings.Add }).Compile(Wat.Assemble("(module (func (export \"f\") (result i32) (i32.const 1)))"));
        Assert.Empty(warnings);
    }

    private static readonly Type IntrinsicAttribute = typeof(object).Assembly.GetType("System.Runtime.CompilerServices.IntrinsicAttribute")!;

    /// <summary>Sse*, Avx*, AdvSimd...: every method of these classes is an intrinsic (the attribute sits on the class).</summary>
    private static bool IsHardwareIntrinsicClass(Type type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (t.IsDefined(IntrinsicAttribute, inherit: false) && t.Namespace != "System.Runtime.Intrinsics") return true;
        }
        return false;
    }
}
