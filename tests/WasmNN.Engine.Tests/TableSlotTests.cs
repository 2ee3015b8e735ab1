namespace WasmNN.Engine.Tests;

/// <summary>
/// call_indirect reads a copy of each funcref table entry (WasmTable.Slots, rebuilt on every change): whatever
/// changes the table, by instruction or from the host, the next call sees it, as the spec has call_indirect read the
/// table itself. A stale copy would call the old function or miss a null or wrong-typed entry.
/// </summary>
public sealed class TableSlotTests
{
    private const string Module = """
        (module
          (type $i (func (result i32)))
          (table (export "table") 2 10 funcref)
          (elem $passive func $seven $eight)
          (elem declare func $wrong)
          (func $seven (export "seven") (result i32) i32.const 7)
          (func $eight (result i32) i32.const 8)
          (func $wrong (param i32) (result i32) local.get 0)
          (func (export "call") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
          (func (export "set_seven") (param i32) (table.set 0 (local.get 0) (ref.func $seven)))
          (func (export "set_wrong") (param i32) (table.set 0 (local.get 0) (ref.func $wrong)))
          (func (export "set_null") (param i32) (table.set 0 (local.get 0) (ref.null func)))
          (func (export "grow_eight") (param i32) (result i32) (table.grow 0 (ref.func $eight) (local.get 0)))
          (func (export "fill_eight") (param i32 i32) (table.fill 0 (local.get 0) (ref.func $eight) (local.get 1)))
          (func (export "copy") (param i32 i32 i32) (table.copy 0 0 (local.get 0) (local.get 1) (local.get 2)))
          (func (export "init") (param i32) (table.init 0 $passive (local.get 0) (i32.const 0) (i32.const 2))))
        """;

    [Fact]
    public void CallIndirect_AfterEachTableInstruction_CallsWhatTheTableHoldsNow()
    {
        var instance = Wat.Instantiate(new Engine(), Module);
        var call = instance.GetFunction<Func<int, int>>("call");

        Assert.Contains("uninitialized element", Assert.Throws<WasmTrapException>(() => call(0)).Message);
        instance.GetFunction<Action<int>>("set_seven")(0);
        Assert.Equal(7, call(0));
        instance.GetFunction<Action<int>>("set_wrong")(0);
        Assert.Contains("indirect call type mismatch", Assert.Throws<WasmTrapException>(() => call(0)).Message);
        instance.GetFunction<Action<int>>("set_null")(0);
        Assert.Contains("uninitialized element", Assert.Throws<WasmTrapException>(() => call(0)).Message);

        Assert.Equal(2, instance.GetFunction<Func<int, int>>("grow_eight")(2));
        Assert.Equal(8, call(3));
        Assert.Contains("undefined element", Assert.Throws<WasmTrapException>(() => call(4)).Message);
        instance.GetFunction<Action<int>>("init")(0);
        Assert.Equal(7, call(0));
        Assert.Equal(8, call(1));
        instance.GetFunction<Action<int, int>>("fill_eight")(0, 1);
        Assert.Equal(8, call(0));
        instance.GetFunction<Action<int>>("set_seven")(3);
        instance.GetFunction<Action<int, int, int>>("copy")(0, 3, 1);
        Assert.Equal(7, call(0));
    }

    [Fact]
    public void CallIndirect_AfterTheHostSetsAnEntry_CallsIt()
    {
        var instance = Wat.Instantiate(new Engine(), Module);
        var table = instance.GetTable("table")!;
        var call = instance.GetFunction<Func<int, int>>("call");

        table[1] = instance.GetFunction("seven");
        Assert.Equal(7, call(1));
        table[1] = null;
        Assert.Contains("uninitialized element", Assert.Throws<WasmTrapException>(() => call(1)).Message);
    }

    [Fact]
    public void CallIndirect_ThroughATableAnotherInstanceChanges_SeesTheChange()
    {
        var engine = new Engine();
        var owner = Wat.Instantiate(engine, Module);
        var linker = new Linker(engine);
        linker.Define("owner", "table", owner.GetTable("table")!);
        var user = Wat.Instantiate(engine, """
            (module
              (type $i (func (result i32)))
              (import "owner" "table" (table 2 funcref))
              (func (export "call") (param i32) (result i32) (call_indirect (type $i) (local.get 0))))
            """, linker);
        var call = user.GetFunction<Func<int, int>>("call");

        owner.GetFunction<Action<int>>("set_seven")(1);
        Assert.Equal(7, call(1));
        owner.GetFunction<Action<int>>("set_wrong")(1);
        Assert.Contains("indirect call type mismatch", Assert.Throws<WasmTrapException>(() => call(1)).Message);
    }
}
