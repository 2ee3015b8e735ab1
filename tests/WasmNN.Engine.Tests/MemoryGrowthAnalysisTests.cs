using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// A caller reloads the memory's size after a call only when the callee may grow it (MemoryGrowthAnalysis): each
/// way a callee can grow the memory (directly, through a direct call, through a table) must still leave the caller
/// able to reach the new pages, as the spec requires (memory.grow's new pages are addressable at once).
/// </summary>
public class MemoryGrowthAnalysisTests
{
    private const string Module = """
        (module
          (memory 1)
          (type $grower (func (param i32) (result i32)))
          (table 2 funcref)
          (elem (i32.const 0) $grow $pure)
          (func $grow (type $grower) (memory.grow (local.get 0)))
          (func $pure (type $grower) (i32.add (local.get 0) (i32.const 1)))
          (func $grow_via_call (param i32) (result i32) (call $grow (local.get 0)))
          (func (export "store_after_direct_grow") (result i32)
            (drop (i32.load (i32.const 0)))
            (drop (call $grow_via_call (i32.const 1)))
            (i32.store (i32.const 70000) (i32.const 7))
            (i32.load (i32.const 70000)))
          (func (export "store_after_indirect_grow") (param $slot i32) (result i32)
            (drop (i32.load (i32.const 0)))
            (drop (call_indirect (type $grower) (i32.const 1) (local.get $slot)))
            (i32.store (i32.const 70000) (i32.const 9))
            (i32.load (i32.const 70000))))
        """;

    [Fact]
    public void Caller_CalleeGrowsThroughDirectCall_StoresIntoNewPage()
    {
        var instance = Wat.Instantiate(new Engine(), Module);
        Assert.Equal(7, instance.GetFunction<Func<int>>("store_after_direct_grow")());
    }

    [Fact]
    public void Caller_CalleeGrowsThroughTable_StoresIntoNewPage()
    {
        var instance = Wat.Instantiate(new Engine(), Module);
        Assert.Equal(9, instance.GetFunction<Func<int, int>>("store_after_indirect_grow")(0));
    }

    [Fact]
    public void Caller_CalleeThatCannotGrow_StoreBeyondMemoryTraps()
    {
        var instance = Wat.Instantiate(new Engine(), Module);
        var run = instance.GetFunction<Func<int, int>>("store_after_indirect_grow");
        Assert.Equal(TrapKind.MemoryOutOfBounds, Assert.Throws<WasmTrapException>(() => run(1)).Kind);
    }

    [Fact]
    public void Analyze_FunctionsOfOtherTypesInTable_IndirectCallOfPureTypeCannotGrow()
    {
        var module = ModuleReader.Read(Wat.Assemble("""
            (module
              (memory 1)
              (type $grower (func (param i32) (result i32)))
              (type $binary (func (param i32 i32) (result i32)))
              (table 2 funcref)
              (elem (i32.const 0) $grow $compare)
              (func $grow (type $grower) (memory.grow (local.get 0)))
              (func $compare (type $binary) (i32.sub (local.get 0) (local.get 1)))
              (func $sort (param i32) (result i32)
                (call_indirect (type $binary) (local.get 0) (local.get 0) (i32.const 1))))
            """));
        var types = module.Functions.Select(t => module.Types[(int)t]).ToList(); // no imports: function i is defined function i
        var analysis = MemoryGrowthAnalysis.Analyze(module, types);
        Assert.True(analysis.CallMayGrow(0));
        Assert.False(analysis.CallMayGrow(1));
        Assert.False(analysis.CallMayGrow(2));
        Assert.True(analysis.IndirectCallMayGrow(module.Types[0]));
        Assert.False(analysis.IndirectCallMayGrow(module.Types[1]));
    }
}
