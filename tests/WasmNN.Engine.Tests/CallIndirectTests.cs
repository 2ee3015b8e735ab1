namespace WasmNN.Engine.Tests;

public sealed class CallIndirectTests
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
}
