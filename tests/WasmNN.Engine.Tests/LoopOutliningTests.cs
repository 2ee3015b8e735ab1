using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// A call-free loop of a function compiled lean (past the JIT's limits) is compiled as a method of its own (the JIT
/// keeps its locals in registers there, not in the large function's stack slots). It must still compute, leave and trap exactly as wasm says: the
/// cases run on our engine and on Node's V8 with the same bytes, comparing the result or trap and a hash of the
/// memory afterwards.
/// </summary>
public sealed class LoopOutliningTests
{
    /// <summary>
    /// $run: an outer loop with a call (not outlined) around an inner loop that reads and writes locals of four types
    /// (a parameter among them), sits above a value on the operand stack, and leaves by falling through its end, by a
    /// branch to each of two enclosing blocks and to the outer loop; straight-line padding makes the function large.
    /// $mode picks the way out every 8th iteration: 0 continue, 1 block $c, 2 the outer loop, 3 block $b, 4+ the end.
    /// The padding's loads and stores, each checked (a store ends a run of shared checks), pass the JIT's block limit.
    /// </summary>
    private static string Module()
    {
        var chunk = string.Concat(Enumerable.Range(0, 10).Select(k => $"""
                          (local.set $s (i32.add (local.get $s) (i32.load offset={k * 4} (local.get $p))))
                          (local.set $w (i64.add (local.get $w) (i64.extend_i32_u (local.get $s))))
                          (local.set $f (f64.add (local.get $f) (f64.convert_i32_s (local.get $s))))

            """));
        var padding = string.Concat(Enumerable.Range(0, 1100).Select(k =>
            $"(local.set $pad (i32.add (local.get $pad) (i32.load offset={8 * k} (local.get $q)))) (i32.store offset={8 * k + 4} (local.get $q) (local.get $pad))\n"));
        return $$"""
            (module
              (memory (export "memory") 1)
              (func $tick (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
              (func (export "run") (param $p i32) (param $n i32) (param $mode i32) (result i32)
                (local $s i32) (local $i i32) (local $pad i32) (local $outer i32) (local $w i64) (local $f f64) (local $q i32)
                (loop $again
                  (local.set $outer (call $tick (local.get $outer)))
                  (local.set $s
                    (i32.add (i32.const 1000)
                      (block $r (result i32)
                        (block $c
                          (block $b
                            (loop $l
                              {{chunk}}
                              (i32.store (local.get $p) (local.get $s))
                              (local.set $p (i32.add (local.get $p) (i32.const 4)))
                              (local.set $i (i32.add (local.get $i) (i32.const 1)))
                              (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
                              (br_if $l (i32.and (local.get $i) (i32.const 7)))
                              (if (i32.lt_u (local.get $mode) (i32.const 4))
                                (then (br_table $l $c $again $b (local.get $mode))))))
                          (br $r (i32.add (local.get $s) (i32.const 1))))
                        (i32.sub (local.get $s) (i32.const 1))))))
                {{padding}}
                (i32.add (i32.add (local.get $s) (local.get $pad))
                  (i32.add (i32.add (i32.wrap_i64 (local.get $w)) (i32.trunc_sat_f64_s (local.get $f)))
                    (i32.add (i32.mul (local.get $outer) (i32.const 7919)) (local.get $p))))))
            """;
    }

    public static TheoryData<int, int, int> Cases => new()
    {
        { 0, 100, 0 },          // runs to n, leaves to $b
        { 0, 100, 1 },          // leaves to $c at i = 8
        { 0, 100, 2 },          // back to the outer loop every 8th iteration until n
        { 0, 100, 3 },          // leaves to $b at i = 8
        { 0, 100, 4 },          // falls through the loop's end at i = 8
        { 0, 5, 0 },
        { 65536 - 200, 100, 0 }, // loads run past the end: traps after some stores landed
        { 65536 - 200, 100, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutlinedLoop_ResultTrapAndMemory_MatchV8(int p, int n, int mode)
    {
        var bytes = Wat.Assemble(Module());
        Assert.Equal(MemoryOutcome.OnV8(bytes, "run", [p, n, mode]), MemoryOutcome.OnEngine(bytes, "run", [p, n, mode]));
    }

    /// <summary>
    /// An outlined loop's method checks its accesses with bounds limits of its own (memory size - end, per end): a
    /// loop of accesses of 1, 2, 8 and 4 bytes at offsets 0-5, a store first, walking up one byte per iteration from
    /// $p, must trap at exactly the access wasm says near the memory's end, after the same stores (checked: an
    /// off-by-one limit fails two of the cases).
    /// </summary>
    private const string EdgeModule = """
        (module
          (memory (export "memory") 1)
          (func (export "run") (param $p i32) (param $n i32) (result i32)
            (local $s i32) (local $i i32)
            (loop $l
              (i32.store8 (local.get $p) (local.get $s))
              (local.set $s (i32.add (local.get $s) (i32.load16_u offset=1 (local.get $p))))
              (local.set $s (i32.add (local.get $s) (i32.wrap_i64 (i64.load offset=5 (local.get $p)))))
              (i32.store offset=2 (local.get $p) (local.get $s))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
            (i32.add (local.get $s) (local.get $p))))
        """;

    private static readonly EngineOptions s_outlineEverywhere = new() { LeanAndOutlineEverywhere = true };

    public static TheoryData<int, int> EdgeCases => new()
    {
        { 65536 - 40, 28 },  // the last iteration's i64 load ends at the last byte
        { 65536 - 40, 29 },  // one more: its i64 load passes the end by one byte, after the store8 landed
        { 65536 - 13, 1 },   // the first iteration ends exactly at the end
        { 65536 - 12, 1 },
        { 65536 - 3, 1 },    // the store8 and load16 fit, the i64 load does not
        { 65536 - 2, 1 },    // the load16 passes by one byte
        { 65536 - 1, 1 },    // only the store8 fits
        { 65536, 1 },        // nothing fits
        { -1, 1 },           // address 2^32 - 1
        { 100, 50 },
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void OutlinedLoop_AccessesAtTheMemoryEnd_MatchV8(int p, int n)
    {
        var bytes = Wat.Assemble(EdgeModule);
        var (methods, _) = ModuleCompiler.Compile(new Engine(s_outlineEverywhere), ModuleReader.Read(bytes), "outlined-edge");
        Assert.Contains(methods[0].DeclaringType!.GetMethods(), m => m.Name.StartsWith("f0_loop", StringComparison.Ordinal));

        Assert.Equal(MemoryOutcome.OnV8(bytes, "run", [p, n]), MemoryOutcome.OnEngine(bytes, "run", [p, n], s_outlineEverywhere));
    }

    [Fact]
    public void Find_LargeFunction_TakesTheCallFreeInnerLoopWithItsLocalsAndExits()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module()));
        var body = module.Codes[1];

        var loop = Assert.Single(LoopOutlining.Find(body).Values);

        // Locals: $p 0, $n 1, $mode 2, $s 3, $i 4, $w 7, $f 8; exits from the loop's frame: $b 0, $c 1, $again 3.
        Assert.Equal([0, 1, 2, 3, 4, 7, 8], loop.Locals);
        Assert.Equal([0, 3, 4, 7, 8], loop.WrittenLocals);
        Assert.Equal([0, 1, 3], loop.ExitDepths);
    }

    [Fact]
    public void Compile_LeanFunction_OutlinesTheLoopIntoAMethod()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module()));

        var (methods, _) = ModuleCompiler.Compile(new Engine(), module, "outlining-test");

        Assert.Contains(methods[1].DeclaringType!.GetMethods(), m => m.Name.StartsWith("f1_loop", StringComparison.Ordinal));
    }

    [Fact]
    public void Find_SmallFunction_OutlinesNothing()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module()));

        Assert.Empty(LoopOutlining.Find(module.Codes[0]));
    }
}
