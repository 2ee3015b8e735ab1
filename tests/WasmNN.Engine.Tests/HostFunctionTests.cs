using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Tests;

public class HostFunctionTests
{
    /// <summary>A host exception as WASI's proc_exit throws it.</summary>
    private sealed class ExitException(int code) : Exception($"exit {code}")
    {
        public int Code { get; } = code;
    }

    private const string SumModule = """
        (module
          (import "env" "sum" (func $sum (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "\01\02\03\04")
          (func (export "run") (result i32) (call $sum (i32.const 16) (i32.const 4))))
        """;

    [Fact]
    public void TypedHostFunction_WithCaller_ReadsCallersExportedMemory()
    {
        var engine = new Engine();
        Caller? seen = null;
        var linker = new Linker(engine).DefineFunction("env", "sum", (Func<Caller, int, int, int>)((caller, address, length) =>
        {
            seen = caller;
            return caller.Memory!.GetSpan(address, length).ToArray().Sum(b => b);
        }));
        var instance = Wat.Instantiate(engine, SumModule, linker);
        Assert.Equal(10, instance.GetFunction<Func<int>>("run")());
        Assert.Same(instance, seen!.Instance);
        Assert.Same(instance.GetMemory(), seen.GetExport("memory"));
    }

    [Fact]
    public void UntypedHostFunction_WithCaller_WritesCallersMemoryAfterItGrewAndMoved()
    {
        // fd_write-like: the host writes into a page the guest only just grew (its base moves: 1 page reserved).
        var engine = new Engine(new EngineOptions { MemoryReservePages = 1 });
        var type = new FuncType([ValueType.I32], [ValueType.I32]);
        var linker = new Linker(engine).DefineFunction("env", "put", type, (caller, arguments, results) =>
        {
            caller.Memory!.GetSpan(arguments[0].AsInt32(), 4).Fill(0x2A);
            results[0] = WasmValue.FromInt32(4);
        });
        var instance = Wat.Instantiate(engine, """
            (module
              (import "env" "put" (func $put (param i32) (result i32)))
              (memory 1)
              (func (export "run") (result i32)
                (drop (memory.grow (i32.const 3)))
                (drop (call $put (i32.const 200000)))
                (i32.load (i32.const 200000))))
            """, linker);
        Assert.Equal(0x2A2A2A2A, instance.GetFunction<Func<int>>("run")());
    }

    [Fact]
    public void HostFunction_WithCaller_ImportedByTwoInstances_EachSeesItsOwnUnexportedMemory()
    {
        var engine = new Engine();
        var linker = new Linker(engine).DefineFunction("env", "first_byte", (Func<Caller, int>)(caller => caller.Memory!.Span[0]));
        var module = engine.Compile(Wat.Assemble("""
            (module
              (import "env" "first_byte" (func $first_byte (result i32)))
              (memory 1)
              (func (export "set") (param i32) (i32.store8 (i32.const 0) (local.get 0)))
              (func (export "get") (result i32) (call $first_byte)))
            """));
        var a = linker.Instantiate(module);
        var b = linker.Instantiate(module);
        a.GetFunction<Action<int>>("set")(7);
        b.GetFunction<Action<int>>("set")(9);
        Assert.Equal(7, a.GetFunction<Func<int>>("get")());
        Assert.Equal(9, b.GetFunction<Func<int>>("get")());
    }

    [Fact]
    public void HostFunction_WithCaller_CalledFromHost_HasNoMemory()
    {
        var engine = new Engine();
        var function = engine.CreateFunction((Func<Caller, int>)(caller => caller.Memory is null && caller.Instance is null ? 1 : 0));
        Assert.Empty(function.Type.Parameters);
        Assert.Equal(1, function.Invoke());
    }

    [Fact]
    public void HostException_ThroughNestedGuestFrames_PropagatesUnchangedAndRestoresCallDepth()
    {
        // 80 nested guest frames under a depth limit of 100: a depth counter left unrestored would trap the 2nd run.
        var engine = new Engine(new EngineOptions { MaxCallDepth = 100 });
        var linker = new Linker(engine).DefineFunction("wasi", "proc_exit", (Action<int>)(code => throw new ExitException(code)));
        var instance = Wat.Instantiate(engine, """
            (module
              (import "wasi" "proc_exit" (func $exit (param i32)))
              (func $nest (export "nest") (param $depth i32)
                (if (local.get $depth)
                  (then (call $nest (i32.sub (local.get $depth) (i32.const 1))))
                  (else (call $exit (i32.const 3)))))
              (func (export "id") (param i32) (result i32) (local.get 0)))
            """, linker);
        var typed = instance.GetFunction<Action<int>>("nest");
        var untyped = instance.GetFunction("nest")!;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            Assert.Equal(3, Assert.Throws<ExitException>(() => typed(80)).Code);
            Assert.Equal(3, Assert.Throws<ExitException>(() => untyped.Call(80)).Code);
        }
        Assert.Equal(TrapKind.CallStackExhausted, Assert.Throws<WasmTrapException>(() => typed(200)).Kind);
        Assert.Equal(42, instance.GetFunction<Func<int, int>>("id")(42));
    }

    [Fact]
    public void HostCallback_IntoGuestUnderNestedGuestFrames_CountsDepthAcrossTheHostFrame()
    {
        // Guest frames, a host function, guest frames again: MaxCallDepth bounds the whole chain, not each part.
        var engine = new Engine(new EngineOptions { MaxCallDepth = 100 });
        WasmFunction? nest = null;
        var linker = new Linker(engine).DefineFunction("host", "reenter", (Func<int, int>)(depth => (int)nest!.Invoke(depth, 0)!));
        var instance = Wat.Instantiate(engine, """
            (module
              (import "host" "reenter" (func $reenter (param i32) (result i32)))
              (func $nest (export "nest") (param $depth i32) (param $again i32) (result i32)
                (if (result i32) (local.get $depth)
                  (then (call $nest (i32.sub (local.get $depth) (i32.const 1)) (local.get $again)))
                  (else (if (result i32) (local.get $again)
                    (then (call $reenter (local.get $again)))
                    (else (i32.const 7)))))))
            """, linker);
        nest = instance.GetFunction("nest")!;
        var typed = instance.GetFunction<Func<int, int, int>>("nest");
        Assert.Equal(7, typed(60, 30));
        Assert.Equal(TrapKind.CallStackExhausted, Assert.Throws<WasmTrapException>(() => typed(60, 60)).Kind);
        Assert.Equal(TrapKind.CallStackExhausted, Assert.Throws<WasmTrapException>(() => nest.Call(WasmValue.FromInt32(60), WasmValue.FromInt32(60))).Kind);
        Assert.Equal(7, typed(60, 30));
    }

    [Fact]
    public void HostException_FromStartFunction_PropagatesOutOfInstantiate()
    {
        var engine = new Engine();
        var linker = new Linker(engine).DefineFunction("wasi", "proc_exit", (Action<int>)(code => throw new ExitException(code)));
        var module = engine.Compile(Wat.Assemble("""
            (module (import "wasi" "proc_exit" (func $exit (param i32)))
              (func $start (call $exit (i32.const 0))) (start $start))
            """));
        Assert.Equal(0, Assert.Throws<ExitException>(() => linker.Instantiate(module)).Code);
    }
}
