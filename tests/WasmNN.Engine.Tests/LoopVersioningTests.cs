using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// Loops compiled twice (no bounds checks when the entry test proves every access in bounds, checked otherwise) must
/// behave exactly as wasm says: every case runs on our engine and on Node's V8 with the same bytes, comparing the
/// result or trap and a hash of the whole memory afterwards.
/// </summary>
public class LoopVersioningTests
{
    private const string Module = """
        (module
          (memory (export "memory") 1)
          ;; y[i] += x[i] over n floats, pointer loop "p < end" (unsigned)
          (func (export "axpy") (param $x i32) (param $y i32) (param $n i32) (result i32)
            (local $end i32)
            (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
            (loop $l
              (f32.store (local.get $y) (f32.add (f32.load (local.get $y)) (f32.load (local.get $x))))
              (local.set $x (i32.add (local.get $x) (i32.const 4)))
              (local.set $y (i32.add (local.get $y) (i32.const 4)))
              (br_if $l (i32.lt_u (local.get $y) (local.get $end))))
            (local.get $y))
          ;; clang's shape: count down by 4, addresses a + i with i += 16 (a derived local)
          (func (export "countdown") (param $a i32) (param $n i32) (result i32)
            (local $i i32) (local $p i32) (local $sum i32)
            (loop $l
              (local.set $p (i32.add (local.get $a) (local.get $i)))
              (local.set $sum (i32.add (local.get $sum) (i32.load offset=4 (local.get $p))))
              (i32.store (local.get $p) (local.get $sum))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 4)))))
            (local.get $sum))
          ;; signed "i < n" with the address an addend of the counter
          (func (export "signed_bound") (param $i i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=1 (i32.add (local.get $i) (i32.const 2)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
            (local.get $sum))
          ;; "i != n" stepping by 3: lands on n only when the distance is a multiple of 3
          (func (export "not_equal") (param $i i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load16_u (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 3)))
              (br_if $l (i32.ne (local.get $i) (local.get $n))))
            (local.get $sum))
          ;; clang's GEMM shape: an index from -4n up to 0 added to a pointer (the sum is the address, mod 2^32)
          (func (export "negative_index") (param $base i32) (param $n i32) (result i32)
            (local $i i32) (local $p i32) (local $sum i32)
            (local.set $i (i32.sub (i32.const 0) (i32.shl (local.get $n) (i32.const 2))))
            (loop $l
              (local.set $p (i32.add (local.get $i) (local.get $base)))
              (local.set $sum (i32.add (local.get $sum) (i32.load offset=8 (local.get $p))))
              (i32.store offset=4 (local.get $p) (local.get $sum))
              (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))
            (local.get $sum))
          ;; musl's memcpy shape: n counts down by 16 while n > 15 (unsigned), the pointer counts up
          (func (export "down_unsigned") (param $p i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load offset=12 (local.get $p))))
              (i32.store (local.get $p) (local.get $sum))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br_if $l (i32.gt_u (local.tee $n (i32.sub (local.get $n) (i32.const 16))) (i32.const 15))))
            (local.get $sum))
          ;; signed, written as "bound < counter": runs while -20 < i, i -= 3
          (func (export "down_signed") (param $p i32) (param $i i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $l (i32.lt_s (i32.const -20) (local.tee $i (i32.sub (local.get $i) (i32.const 3))))))
            (local.get $sum))
          ;; musl's backward memmove as clang unrolls it: n counts down by 4 to 0, addresses n + (d - 4) + 3..0
          (func (export "backward") (param $d i32) (param $s i32) (param $n i32) (result i32)
            (local $a i32) (local $b i32)
            (local.set $d (i32.sub (local.get $d) (i32.const 4)))
            (local.set $s (i32.sub (local.get $s) (i32.const 4)))
            (loop $l
              (i32.store8 (i32.add (local.tee $a (i32.add (local.get $n) (local.get $d))) (i32.const 3))
                (i32.load8_u (i32.add (local.tee $b (i32.add (local.get $n) (local.get $s))) (i32.const 3))))
              (i32.store8 (i32.add (local.get $a) (i32.const 2)) (i32.load8_u (i32.add (local.get $b) (i32.const 2))))
              (i32.store8 (i32.add (local.get $a) (i32.const 1)) (i32.load8_u (i32.add (local.get $b) (i32.const 1))))
              (i32.store8 (local.get $a) (i32.load8_u (local.get $b)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 4)))))
            (local.get $n))
          ;; clang's dot-product shape: the counter starts one step below 0 (its first update wraps it to 0), tested
          ;; unsigned; the address is a second induction variable
          (func (export "wrapped_start") (param $p i32) (param $i i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load offset=4 (local.get $p))))
              (i32.store (local.get $p) (local.get $sum))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (local.get $n))))
            (local.get $sum))
          ;; clang's conv and dot shapes: each address is "index + constant" (the proven copy adds them in 64 bits,
          ;; the index sign-extended), the index counting up from a negative start
          (func (export "index_plus_constant") (param $i i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $i) (i32.const 1000)))))
              (local.set $sum (i32.add (local.get $sum) (i32.load offset=4 (i32.add (local.get $i) (i32.const 1016)))))
              (i32.store (i32.add (local.get $i) (i32.const 1008)) (local.get $sum))
              (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n))))
            (local.get $sum))
          ;; clang's convolution shape: a pointer with negative addends (p - 16 loaded, p - 8 stored)
          (func (export "negative_addend") (param $p i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load (i32.sub (local.get $p) (i32.const 16)))))
              (i32.store (i32.add (local.get $p) (i32.const -8)) (local.get $sum))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $sum))
          ;; a base near 2^32 plus an addend wraps to a valid low address
          (func (export "wrapping_base") (param $b i32) (param $n i32) (result i32)
            (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $b) (i32.const 32)))))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l (local.get $n)))
            (local.get $sum)))
        """;

    public static TheoryData<string, int[]> Cases => new()
    {
        { "axpy", [0, 4096, 1000] },
        { "axpy", [0, 4096, 1001] },            // remainder bodies first, then groups of four
        { "axpy", [0, 4096, 1] },
        { "axpy", [0, 4096, 2] },
        { "axpy", [0, 4096, 3] },
        { "axpy", [0, 4096, 1002] },
        { "axpy", [0, 4096, 1003] },
        { "axpy", [0, 65536 - 400, 100] },
        { "axpy", [0, 65536 - 400, 101] },      // the last store is out of bounds: earlier ones must land
        { "axpy", [65536 - 40, 0, 20] },        // the loads run out first
        { "axpy", [0, 100, 0] },                // n = 0 still runs the body once
        { "countdown", [64, 400] },
        { "countdown", [64, 4] },
        { "countdown", [65536 - 1600, 400] },   // last load reaches exactly the end
        { "countdown", [65536 - 1599, 400] },   // one byte over
        { "countdown", [0, 6] },                // not a multiple of 4: runs until the counter wraps and traps
        { "signed_bound", [10, 5000] },
        { "signed_bound", [10, 5001] },
        { "signed_bound", [65536 - 103, 65536 - 3] },
        { "signed_bound", [65536 - 102, 65536 - 2] },
        { "signed_bound", [int.MaxValue - 5, int.MaxValue] },
        { "signed_bound", [-10, 5] },           // negative start: addresses wrap, the checked copy traps
        { "not_equal", [0, 3000] },
        { "not_equal", [0, 3003] },
        { "not_equal", [0, 65535] },            // last load at 65532..65534: in bounds
        { "not_equal", [1, 65536] },            // 65533 + 2 bytes = 65535: in bounds... then 65536 + 2 is not
        { "not_equal", [0, 3001] },             // never equal: walks off the end and traps
        { "negative_index", [4096, 100] },
        { "negative_index", [400, 100] },       // first address 0 + 8
        { "negative_index", [396, 100] },       // first address wraps below 0: traps at once
        { "negative_index", [65536 - 8, 100] },  // the last load (offset 8) ends exactly at the end
        { "negative_index", [65536 - 7, 100] },  // one byte over: earlier stores must land
        { "down_unsigned", [64, 1600] },
        { "down_unsigned", [64, 1601] },        // not a multiple of 16: the last round sees n = 1
        { "down_unsigned", [64, 5] },           // runs once: n wraps to 2^32 - 11 > 15... and on until out of bounds
        { "down_unsigned", [65536 - 1600, 1600] }, // the last load ends exactly at the end
        { "down_unsigned", [65536 - 1599, 1600] }, // one byte over: earlier stores must land
        { "down_signed", [100, 3000] },
        { "down_signed", [100, -30] },          // below the bound at once: one body
        { "down_signed", [65536 - 1007, 3000] }, // runs 1007 bodies, the last byte at the end
        { "down_signed", [65536 - 1006, 3000] },
        { "down_signed", [0, int.MinValue + 2] }, // the counter wraps to positive: runs until out of bounds
        { "backward", [1001, 1000, 400] },     // overlapping by one byte, copied from the top down
        { "backward", [1000, 1001, 4000] },
        { "backward", [65536 - 400, 100, 400] }, // the first body's store reaches exactly the end
        { "backward", [65536 - 399, 100, 400] }, // one byte over in the first body: traps before any store
        { "backward", [100, 65536 - 399, 400] }, // the first body's load is over
        { "backward", [-2, 1000, 400] },        // the last body's store wraps below 0: earlier stores must land
        { "backward", [1001, 1000, 402] },      // not a multiple of 4: n wraps and runs on until out of bounds
        { "wrapped_start", [64, -8, 800] },     // tests 0, 8, ..., 800: 101 bodies
        { "wrapped_start", [64, -8, 805] },     // 102 bodies
        { "wrapped_start", [64, -8, 0] },       // 0 < 0 fails at once: one body
        { "wrapped_start", [65536 - 1608, -8, 800] }, // the last load ends exactly at the end
        { "wrapped_start", [65536 - 1607, -8, 800] }, // one byte over: earlier stores must land
        { "wrapped_start", [64, -4, 800] },     // first test sees 4, then 12, ...: never wraps
        { "wrapped_start", [64, -12, 800] },    // first test sees 2^32 - 4: one body
        { "wrapped_start", [64, 100, 50] },     // already past the bound: one body
        { "index_plus_constant", [0, 4096] },
        { "index_plus_constant", [-992, 4096] },  // negative index first: first load at 8
        { "index_plus_constant", [-1000, 0] },    // first load at 0
        { "index_plus_constant", [-1001, 0] },    // first load wraps below 0: traps at once
        { "index_plus_constant", [-992, 64528] }, // the last body (index 64512) ends exactly at the end
        { "index_plus_constant", [-992, 64529] }, // one more body, over: earlier stores must land
        { "index_plus_constant", [int.MinValue, int.MinValue + 64] }, // addresses far past the end
        { "index_plus_constant", [int.MaxValue - 40, int.MaxValue] }, // i + 1000 passes 2^31, far past the end
        { "negative_addend", [16, 100] },      // the first load at 0
        { "negative_addend", [15, 100] },      // the first load wraps below 0: traps at once
        { "negative_addend", [65144, 100] },   // the last store ends exactly at the end
        { "negative_addend", [65145, 100] },   // one byte over: earlier stores must land
        { "negative_addend", [8, 3] },         // the first load wraps, the store would not
        { "wrapping_base", [-32, 10] },         // b + 32 wraps to 0
        { "wrapping_base", [-16, 10] },         // wraps to 16
        { "wrapping_base", [65536 - 36, 3] },
        { "wrapping_base", [65536 - 35, 3] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void VersionedLoop_ResultTrapAndMemory_MatchV8(string export, int[] arguments)
    {
        var bytes = Wat.Assemble(Module);
        Assert.Equal(MemoryOutcome.OnV8(bytes, export, arguments), MemoryOutcome.OnEngine(bytes, export, arguments));
    }

    [Theory]
    [InlineData("axpy")]
    [InlineData("countdown")]
    [InlineData("signed_bound")]
    [InlineData("not_equal")]
    [InlineData("wrapping_base")]
    [InlineData("negative_index")]
    [InlineData("down_unsigned")]
    [InlineData("down_signed")]
    [InlineData("backward")]
    [InlineData("wrapped_start")]
    [InlineData("index_plus_constant")]
    [InlineData("negative_addend")]
    public void Analyze_LoopsOfTheModule_AreVersionable(string export)
    {
        var module = ModuleReader.Read(Wat.Assemble(Module));
        var body = module.Codes[(int)module.Exports.Single(e => e.Name == export).Index];
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        int loopAt = -1;
        while (!reader.AtEnd && loopAt < 0)
        {
            var ins = reader.Read();
            if (ins.Opcode == Opcode.Loop) loopAt = ins.Offset - body.CodeOffset;
        }
        var loop = VersionableLoop.TryAnalyze(body.Code.Span[loopAt..], body.CodeOffset + loopAt);
        Assert.NotNull(loop);
        Assert.NotEmpty(loop.Bases);
    }

    [Fact]
    public void LoopLongerThanTheAnalysisWindow_CompilesAndRunsAsV8()
    {
        var body = string.Concat(Enumerable.Range(0, 700).Select(i => $"(local.set $s (i32.add (local.get $s) (i32.load offset={i * 4} (local.get $p))))\n"));
        var bytes = Wat.Assemble($$"""
            (module
              (memory (export "memory") 1)
              (func (export "long_loop") (param $p i32) (param $n i32) (result i32)
                (local $s i32)
                (loop $l
                  {{body}}
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                (local.get $s)))
            """);
        Assert.Equal(MemoryOutcome.OnV8(bytes, "long_loop", [0, 10]), MemoryOutcome.OnEngine(bytes, "long_loop", [0, 10]));
        Assert.Equal(MemoryOutcome.OnV8(bytes, "long_loop", [65536 - 2800, 3]), MemoryOutcome.OnEngine(bytes, "long_loop", [65536 - 2800, 3]));
    }
}
