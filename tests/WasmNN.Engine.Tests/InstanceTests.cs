using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;
using static WasmNN.Engine.Tests.TestModule;

namespace WasmNN.Engine.Tests;

public class InstanceTests
{
    private static readonly byte[] s_addBody = [0x20, 0x00, 0x20, 0x01, 0x6A]; // local.get 0, local.get 1, i32.add

    private static Instance Instantiate(TestModule module, Linker? linker = null)
    {
        var engine = linker?.Engine ?? new Engine();
        return (linker ?? new Linker(engine)).Instantiate(engine.Compile(module.Build()));
    }

    [Fact]
    public void GetFunction_TypedDelegate_CallsCompiledCode()
    {
        var module = new TestModule();
        module.AddFunction([I32, I32], [I32], s_addBody, export: "add");
        var add = Instantiate(module).GetFunction<Func<int, int, int>>("add");
        Assert.Equal(5, add(2, 3));
        Assert.Equal(int.MinValue, add(int.MaxValue, 1));
    }

    [Fact]
    public void Call_UntypedValues_ReturnsResults()
    {
        var module = new TestModule();
        module.AddFunction([I32, I32], [I32], s_addBody, export: "add");
        var add = Instantiate(module).GetFunction("add")!;
        Assert.Equal(7, add.Call(3, 4)[0].AsInt32());
        Assert.Equal(9, add.Invoke(4, 5));
    }

    [Fact]
    public void GetFunction_WrongDelegateSignature_ThrowsArgumentException()
    {
        var module = new TestModule();
        module.AddFunction([I32, I32], [I32], s_addBody, export: "add");
        var instance = Instantiate(module);
        Assert.Throws<ArgumentException>(() => instance.GetFunction<Func<long, long>>("add"));
    }

    [Fact]
    public void Exports_ModuleWithFunctionAndMemory_ListsBoth()
    {
        var module = new TestModule().WithMemory(1);
        module.AddFunction([I32, I32], [I32], s_addBody, export: "add");
        var exports = Instantiate(module).Exports;
        Assert.Equal(["add", "memory"], exports.Select(e => e.Name));
        Assert.IsType<WasmFunction>(exports[0].Value);
        Assert.IsType<WasmMemory>(exports[1].Value);
    }

    [Fact]
    public void Memory_Span_SharesBytesWithGuestLoadsAndStores()
    {
        var module = new TestModule().WithMemory(1);
        // store(address, value): i32.store; load(address): i32.load
        module.AddFunction([I32, I32], [], [0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00], export: "store");
        module.AddFunction([I32], [I32], [0x20, 0x00, 0x28, 0x02, 0x00], export: "load");
        var instance = Instantiate(module);
        instance.GetFunction<Action<int, int>>("store")(16, 0x01020304);
        var span = instance.GetMemory()!.Span;
        Assert.Equal(65536, span.Length);
        Assert.Equal([0x04, 0x03, 0x02, 0x01], span.Slice(16, 4).ToArray());
        span[100] = 42;
        Assert.Equal(42, instance.GetFunction<Func<int, int>>("load")(100));
    }

    [Fact]
    public void MemoryGrow_PastReservation_KeepsContentsAndBoundsChecks()
    {
        var module = new TestModule().WithMemory(1);
        // grow(pages) -> old size; store(address, value); load(address)
        module.AddFunction([I32], [I32], [0x20, 0x00, 0x40, 0x00], export: "grow");
        module.AddFunction([I32, I32], [], [0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00], export: "store");
        module.AddFunction([I32], [I32], [0x20, 0x00, 0x28, 0x02, 0x00], export: "load");
        var engine = new Engine(new EngineOptions { MemoryReservePages = 1 });
        var instance = new Linker(engine).Instantiate(engine.Compile(module.Build()));
        var store = instance.GetFunction<Action<int, int>>("store");
        var load = instance.GetFunction<Func<int, int>>("load");
        store(65532, 7);
        Assert.Throws<WasmTrapException>(() => store(65536, 1));
        Assert.Equal(1, instance.GetFunction<Func<int, int>>("grow")(2));
        Assert.Equal(7, load(65532));
        store(3 * 65536 - 4, 9);
        Assert.Equal(9, load(3 * 65536 - 4));
        var trap = Assert.Throws<WasmTrapException>(() => load(3 * 65536 - 3));
        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
    }

    [Fact]
    public void Instantiate_TypedHostFunctionImport_IsCalledWithArguments()
    {
        var module = new TestModule();
        int import = module.ImportFunction("env", "mul", [I32, I32], [I32]);
        module.AddFunction([I32], [I32], [0x20, 0x00, 0x41, 0x03, 0x10, (byte)import], export: "triple");
        var calls = new List<(int, int)>();
        var linker = new Linker(new Engine()).DefineFunction("env", "mul", (Func<int, int, int>)((a, b) =>
        {
            calls.Add((a, b));
            return a * b;
        }));
        Assert.Equal(21, Instantiate(module, linker).GetFunction<Func<int, int>>("triple")(7));
        Assert.Equal([(7, 3)], calls);
    }

    [Fact]
    public void Instantiate_UntypedHostFunctionImport_ReturnsItsResults()
    {
        var module = new TestModule();
        int import = module.ImportFunction("env", "swap", [I64, F64], [F64, I64]);
        module.AddFunction([I64, F64], [F64, I64], [0x20, 0x00, 0x20, 0x01, 0x10, (byte)import], export: "call_swap");
        var type = new FuncType([ValueType.I64, ValueType.F64], [ValueType.F64, ValueType.I64]);
        var linker = new Linker(new Engine()).DefineFunction("env", "swap", type, (args, results) =>
        {
            results[0] = args[1];
            results[1] = args[0];
        });
        var results = Instantiate(module, linker).GetFunction("call_swap")!.Call(5L, 2.5);
        Assert.Equal(2.5, results[0].AsDouble());
        Assert.Equal(5L, results[1].AsInt64());
    }

    [Fact]
    public void Call_HostFunctionThrows_ExceptionReachesCallerAndEngineStaysUsable()
    {
        var module = new TestModule();
        int import = module.ImportFunction("env", "fail", [], []);
        module.AddFunction([], [], [0x10, (byte)import], export: "run");
        module.AddFunction([I32, I32], [I32], s_addBody, export: "add");
        var linker = new Linker(new Engine()).DefineFunction("env", "fail", (Action)(() => throw new InvalidOperationException("host says no")));
        var instance = Instantiate(module, linker);
        var e = Assert.Throws<InvalidOperationException>(() => instance.GetFunction("run")!.Call());
        Assert.Equal("host says no", e.Message);
        Assert.Equal(3, instance.GetFunction<Func<int, int, int>>("add")(1, 2));
    }

    [Fact]
    public void Instantiate_MissingImport_ThrowsLinkErrorNamingIt()
    {
        var module = new TestModule();
        module.ImportFunction("env", "missing", [], []);
        var e = Assert.Throws<WasmLinkException>(() => Instantiate(module));
        Assert.Equal("unknown import", e.Problem);
        Assert.Equal("missing", e.Name);
    }

    [Fact]
    public void Compile_BadMagic_ThrowsFormatErrorWithOffset()
    {
        var e = Assert.Throws<WasmFormatException>(() => new Engine().Compile([0x00, 0x61, 0x73, 0x6E, 0x01, 0, 0, 0]));
        Assert.Equal(WasmErrorKind.Malformed, e.Kind);
        Assert.True(e.Offset >= 0);
    }
}
