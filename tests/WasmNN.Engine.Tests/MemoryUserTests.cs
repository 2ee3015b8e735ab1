namespace WasmNN.Engine.Tests;

/// <summary>
/// Compiled code reads the memory's base and size from copies in its instance's context, which the memory keeps
/// current (WasmMemory.AddUser). Whoever grows or moves the memory, every instance using it must see the new size
/// and base at its next call, as the spec has one memory shared by all its importers; a stale copy would trap on
/// pages that exist or read freed native memory.
/// </summary>
public sealed class MemoryUserTests
{
    private const string Owner = """
        (module
          (memory (export "memory") 1)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "loadConstant") (result i32) (i32.load (i32.const 16))))
        """;

    private const string Importer = """
        (module
          (import "owner" "memory" (memory 1))
          (func (export "size") (result i32) (memory.size))
          (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
        """;

    [Fact]
    public void GrowthPastTheReservation_ByOneInstance_ReachesAnInstanceImportingTheMemory()
    {
        // A reservation of 2 pages: growing to 8 moves the memory to a new block.
        var engine = new Engine(new EngineOptions { MemoryReservePages = 2 });
        var owner = Wat.Instantiate(engine, Owner);
        var linker = new Linker(engine);
        linker.Define("owner", "memory", owner.GetMemory()!);
        var importer = Wat.Instantiate(engine, Importer, linker);
        var store = importer.GetFunction<Action<int, int>>("store");
        store(100, 41);

        Assert.Equal(1, owner.GetFunction<Func<int, int>>("grow")(7));

        Assert.Equal(8, importer.GetFunction<Func<int>>("size")());
        Assert.Equal(41, importer.GetFunction<Func<int, int>>("load")(100));
        store(7 * 65536 + 8, 42);
        Assert.Equal(42, owner.GetFunction<Func<int, int>>("load")(7 * 65536 + 8));
    }

    [Fact]
    public void GrowthByTheHost_ReachesTheInstance()
    {
        var engine = new Engine(new EngineOptions { MemoryReservePages = 1 });
        var owner = Wat.Instantiate(engine, Owner);
        var load = owner.GetFunction<Func<int, int>>("load");
        Assert.Throws<WasmTrapException>(() => load(65536));

        owner.GetMemory()!.Grow(1);

        Assert.Equal(0, load(65536));
    }

    [Fact]
    public void DisposedMemory_AccessTrapsInsteadOfReadingFreedMemory()
    {
        var owner = Wat.Instantiate(new Engine(), Owner);
        var load = owner.GetFunction<Func<int, int>>("load");
        Assert.Equal(0, load(0));

        owner.GetMemory()!.Dispose();

        Assert.Contains("out of bounds memory access", Assert.Throws<WasmTrapException>(() => load(0)).Message);
    }

    [Fact]
    public void DisposedMemory_AccessAtAConstantAddressTraps()
    {
        // An address below the memory's declared minimum needs no bounds check while the memory lives.
        var owner = Wat.Instantiate(new Engine(), Owner);
        var load = owner.GetFunction<Func<int>>("loadConstant");
        Assert.Equal(0, load());

        owner.GetMemory()!.Dispose();

        Assert.Contains("out of bounds memory access", Assert.Throws<WasmTrapException>(() => load()).Message);
    }

    [Fact]
    public void MemoryDisposedByAHostCall_AccessAtAConstantAddressAfterItTraps()
    {
        var engine = new Engine();
        var linker = new Linker(engine).DefineFunction("env", "dispose_memory", (Action<Caller>)(caller => caller.Memory!.Dispose()));
        var instance = Wat.Instantiate(engine, """
            (module
              (import "env" "dispose_memory" (func $dispose))
              (memory 1)
              (func (export "run") (result i32) (call $dispose) (i32.load (i32.const 16))))
            """, linker);

        Assert.Contains("out of bounds memory access", Assert.Throws<WasmTrapException>(() => instance.GetFunction<Func<int>>("run")()).Message);
    }
}
