using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// Small loop-free leaves (clang's qsort comparator) compile without the call-depth count, stack check and entry
/// interrupt check, and are offered to the JIT for inlining; they must still compute and trap as wasm says.
/// </summary>
public sealed class FunctionShapeTests
{
    private const string Module = """
        (module
          (memory (export "memory") 1)
          ;; the comparator of wasi-libc's qsort, as clang emits it
          (func $compare (param i32 i32) (result i32)
            (local.get 0) (i32.load) (local.tee 0) (local.get 1) (i32.load) (local.tee 1) (i32.gt_s)
            (local.get 0) (local.get 1) (i32.lt_s) (i32.sub))
          ;; sums compare(p, p + 4) over n neighbours: the call sits under a value on the stack
          (func (export "count") (param $p i32) (param $n i32) (result i32) (local $sum i32)
            (loop $l
              (local.set $sum (i32.add (local.get $sum) (call $compare (local.get $p) (i32.add (local.get $p) (i32.const 4)))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $sum))
          (func $spin (loop $l (br $l))))
        """;

    [Fact]
    public void Of_ComparatorCallerAndLoop_TellsLeavesAndLoops()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module));

        var compare = FunctionShape.Of(module.Codes[0]);
        var count = FunctionShape.Of(module.Codes[1]);
        var spin = FunctionShape.Of(module.Codes[2]);

        Assert.True(compare.IsInlineCandidate);
        Assert.False(count.IsLeaf);
        Assert.True(spin.IsLeaf && spin.HasLoops && !spin.IsInlineCandidate);
    }

    [Fact]
    public void Call_InlinedComparator_GivesTheComparisonsSum()
    {
        var instance = Wat.Instantiate(new Engine(), Module);
        var memory = instance.GetMemory()!.Span;
        int[] values = [5, 3, 3, 9, -1, 7];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(memory[(i * 4)..], values[i]);
        // The same sum in C#: sign(a[i] - a[i + 1]) over the neighbours.
        int expected = Enumerable.Range(0, values.Length - 1).Sum(i => values[i].CompareTo(values[i + 1]));

        Assert.Equal(expected, instance.GetFunction<Func<int, int, int>>("count")(0, values.Length - 1));
    }

    [Fact]
    public void Call_InlinedComparatorPastTheEnd_TrapsOutOfBoundsInTheComparator()
    {
        var instance = Wat.Instantiate(new Engine(), Module);

        var trap = Assert.Throws<WasmTrapException>(() => instance.GetFunction<Func<int, int, int>>("count")(65_536 - 12, 3));

        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
        Assert.Equal(0, trap.FunctionIndex);
    }
}
