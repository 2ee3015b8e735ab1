using WasmNN.Engine.Compilation;
using WasmNN.Engine.Tests.JitLimits;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// A function whose versioned loops push its IL past the JIT's limits is compiled again with fewer loop copies
/// before it is made lean (clang's main, with nine convolution loops and the dot product inlined, passed them with
/// every loop copied; lean, none of its loops is versioned). It must end within the limits without going lean (a lean
/// function reports its own offset for every out-of-bounds trap) and compute and trap as V8 does.
/// </summary>
public sealed class FunctionTierTests
{
    /// <summary>
    /// Loops, each summing <see cref="LoadsPerLoop"/> words from a pointer that moves 4 bytes per iteration: with
    /// every loop copied the function has 20,160 IL instructions as the JIT counts them (unaligned. prefixes apart; the
    /// limit is 20,000, and the JIT compiles it in MinOpts), with a 32 KB budget too, with 16 KB it fits (15,180).
    /// </summary>
    private const int Loops = 24, LoadsPerLoop = 24;

    private static string Module()
    {
        var loops = string.Concat(Enumerable.Range(0, Loops).Select(l => $"""
                (local.set $p (local.get 0))
                (local.set $n (local.get 1))
                (loop $l{l}
            {string.Concat(Enumerable.Range(0, LoadsPerLoop).Select(k => $"      (local.set $s (i32.add (local.get $s) (i32.load offset={4 * k + l} (local.get $p))))\n"))}
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br_if $l{l} (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))

            """));
        return $$"""
            (module
              (memory (export "memory") 1)
              (func (export "sums") (param i32 i32) (result i32)
                (local $p i32) (local $n i32) (local $s i32)
            {{loops}}
                (local.get $s)))
            """;
    }

    [Fact]
    public void Compile_OptimisedTier_PassesTheJitLimits()
    {
        // The premise of the tests below: without the fallback this function would be compiled in MinOpts. If the
        // engine comes to emit less IL per loop, grow Loops or LoadsPerLoop until this holds again.
        var module = ModuleReader.Read(Wat.Assemble(Module()));

        var methods = ModuleCompiler.CompileAll(new Engine(), module, "tier-premise", new Dictionary<int, FunctionTier>(), only: 0);

        Assert.NotEmpty(IlStatistics.Of(methods[0]).ExceededJitLimits());
    }

    [Fact]
    public void Compile_LoopCopiesPastTheJitLimits_EndsWithinThem()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module()));

        var (methods, _) = ModuleCompiler.Compile(new Engine(), module, "tier-test");

        Assert.Empty(IlStatistics.Of(methods[0]).ExceededJitLimits());
    }

    [Fact]
    public void Compile_LoopCopiesPastTheJitLimits_JitOptimisesTheFunction()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module()));
        using var jit = new JitTierListener();

        var (methods, _) = ModuleCompiler.Compile(new Engine(), module, "tier-test");

        Assert.Equal(JitTier.Optimized, jit.Compile(methods[0]));
    }

    [Fact]
    public void Call_LoopCopiesPastTheJitLimits_TrapsAtALoadNotAtTheFunction()
    {
        var bytes = Wat.Assemble(Module());
        var body = ModuleReader.Read(bytes).Codes[0];
        var instance = Wat.Instantiate(new Engine(), Module());

        // The first loop's second iteration reads past the end.
        var trap = Assert.Throws<WasmTrapException>(() => instance.GetFunction<Func<int, int, int>>("sums")(65_536 - 4 * LoadsPerLoop, 2));

        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
        Assert.Contains(trap.Offset, LoadOffsets(body));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(65_536 - 4 * LoadsPerLoop - 4 * 9 - (Loops - 1), 10)] // the last loop's last load ends exactly at the end
    [InlineData(65_536 - 4 * LoadsPerLoop - 4 * 9 - (Loops - 1) + 1, 10)]
    public void Call_LoopCopiesPastTheJitLimits_ResultTrapAndMemoryMatchV8(int pointer, int count)
    {
        var bytes = Wat.Assemble(Module());
        Assert.Equal(MemoryOutcome.OnV8(bytes, "sums", [pointer, count]), MemoryOutcome.OnEngine(bytes, "sums", [pointer, count]));
    }

    private static HashSet<int> LoadOffsets(WasmNN.Wasm.FunctionBody body)
    {
        var offsets = new HashSet<int>();
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            if (ins.Opcode == Opcode.I32Load) offsets.Add(ins.Offset);
        }
        return offsets;
    }
}
