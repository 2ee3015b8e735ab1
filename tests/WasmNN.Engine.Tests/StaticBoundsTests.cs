using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// An access whose address is bounded by masks, shifts, remainders and constants below the memory's declared minimum
/// (C's table lookups: zlib's crc32 reads <c>table[(x >> 22) &amp; 1020]</c>) compiles without a bounds check; one
/// whose bound reaches past the minimum keeps its check. Results, traps and memory are compared with V8.
/// </summary>
public sealed class StaticBoundsTests
{
    private const string Module = """
        (module
          (memory (export "memory") 1)
          (func (export "masked") (param $x i32) (result i32)
            (i32.store offset=2000 (i32.shl (i32.and (local.get $x) (i32.const 255)) (i32.const 2)) (local.get $x))
            (i32.load offset=1000 (i32.and (local.get $x) (i32.const 1020))))
          (func (export "masked_past_end") (param $x i32) (result i32)
            (i32.store offset=2000 (i32.shl (i32.and (local.get $x) (i32.const 255)) (i32.const 2)) (local.get $x))
            (i32.load offset=65000 (i32.and (local.get $x) (i32.const 1020))))
          (func (export "shifted") (param $x i32) (result i32)
            (i32.load (i32.add (i32.and (i32.shr_u (local.get $x) (i32.const 22)) (i32.const 1020)) (i32.const 64508))))
          (func (export "shifted_past_end") (param $x i32) (result i32)
            (i32.load (i32.add (i32.and (i32.shr_u (local.get $x) (i32.const 22)) (i32.const 1020)) (i32.const 64600))))
          (func (export "remainder") (param $x i32) (result i32)
            (i32.load8_u offset=10 (i32.rem_u (local.get $x) (i32.const 65526))))
          (func (export "byte_index") (param $x i32) (result i32)
            (i32.load16_u offset=65279 (i32.or (i32.load8_u (local.get $x)) (i32.const 1)))))
        """;

    public static TheoryData<string, int> Cases => new()
    {
        { "masked", 0 },
        { "masked", -1 },
        { "masked", 0x12345 },
        { "masked_past_end", 0 },
        { "masked_past_end", 532 },     // 65000 + 532 + 4 = 65536: the last word
        { "masked_past_end", 536 },     // one word over: traps after the store landed
        { "masked_past_end", -1 },
        { "shifted", -1 },              // 64508 + 1020 + 4 = 65532
        { "shifted", 0x7fffffff },
        { "shifted_past_end", 0x3fffffff },
        { "shifted_past_end", -1 },     // 64600 + 1020 + 4 > 65536: traps
        { "remainder", -1 },
        { "remainder", 65525 },         // 65525 + 10 + 1 = 65536: the last byte
        { "byte_index", 7 },
        { "byte_index", 65535 },        // the byte index is the last byte; the second load ends at 65279 + 255 + 2 = 65536 at most
        { "byte_index", 65536 },        // the first load traps
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BoundedAddress_ResultTrapAndMemory_MatchV8(string export, int x)
    {
        var bytes = Wat.Assemble(Module);
        Assert.Equal(MemoryOutcome.OnV8(bytes, export, [x]), MemoryOutcome.OnEngine(bytes, export, [x]));
    }

    [Theory]
    [InlineData(0, 1)]  // masked vs masked_past_end: the store's check is gone in both, the load's only in the first
    [InlineData(2, 3)]  // shifted vs shifted_past_end
    public void Compile_AddressBoundedBelowTheMinimum_EmitsNoCheck(int bounded, int pastEnd)
    {
        var engine = new Engine();
        var module = ModuleReader.Read(Wat.Assemble(Module));
        var (methods, _) = ModuleCompiler.Compile(engine, module, "static-bounds-test");

        Assert.True(IlStatistics.Of(methods[bounded]).BasicBlocks < IlStatistics.Of(methods[pastEnd]).BasicBlocks);
    }
}
