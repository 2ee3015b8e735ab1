namespace WasmNN.Engine.Tests;

/// <summary>
/// Table indices are unsigned: a negative i32 is past the end, a trap, never a .NET exception (a negative index once
/// passed call_indirect's test and threw IndexOutOfRangeException).
/// </summary>
public sealed class TableIndexTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(-15873)]          // from the differential fuzzer (rotl(-63, 30472))
    [InlineData(int.MinValue)]
    [InlineData(4)]
    public void CallIndirect_IndexOutsideTheTable_TrapsUndefinedElement(int index)
    {
        var call = Wat.Instantiate(new Engine(), """
            (module
              (type $t (func (result i32)))
              (table 4 4 funcref)
              (elem (i32.const 0) func $f $f $f $f)
              (func $f (result i32) i32.const 7)
              (func (export "call") (param i32) (result i32)
                local.get 0
                call_indirect (type $t)))
            """).GetFunction<Func<int, int>>("call");

        Assert.Equal(7, call(3));
        var trap = Assert.Throws<WasmTrapException>(() => call(index));
        Assert.Contains("undefined element", trap.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-15873)]
    [InlineData(int.MinValue)]
    [InlineData(4)]
    public void TableGetAndSet_IndexOutsideTheTable_TrapOutOfBounds(int index)
    {
        var instance = Wat.Instantiate(new Engine(), """
            (module
              (table 4 4 funcref)
              (func (export "get") (param i32) (result i32) (ref.is_null (table.get 0 (local.get 0))))
              (func (export "set") (param i32) (table.set 0 (local.get 0) (ref.null func))))
            """);
        var get = instance.GetFunction<Func<int, int>>("get");
        var set = instance.GetFunction<Action<int>>("set");

        Assert.Equal(1, get(3));
        Assert.Contains("out of bounds table access", Assert.Throws<WasmTrapException>(() => get(index)).Message);
        Assert.Contains("out of bounds table access", Assert.Throws<WasmTrapException>(() => set(index)).Message);
    }
}
