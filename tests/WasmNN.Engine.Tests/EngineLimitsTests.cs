namespace WasmNN.Engine.Tests;

public class EngineLimitsTests
{
    private const string SpinModule = """
        (module
          (func $spin (export "spin") (loop $again (br $again)))
          (func $count_down (export "count_down") (param $n i32) (result i32)
            (local $sum i32)
            (loop $next
              (local.set $sum (i32.add (local.get $sum) (local.get $n)))
              (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $sum)))
        """;

    /// <summary>Runs a call that may never return on its own thread, failing instead of hanging the test run.</summary>
    private static T WithinSeconds<T>(int seconds, Func<T> call)
    {
        var task = Task.Factory.StartNew(call, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(seconds)), $"the call did not end within {seconds} s");
        return task.Result;
    }

    [Fact]
    public void InterruptAfter_InfiniteLoop_TrapsWithTimeoutAndEngineStaysUsable()
    {
        var engine = new Engine();
        var instance = Wat.Instantiate(engine, SpinModule);
        var spin = instance.GetFunction<Action>("spin");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var trap = WithinSeconds(30, () =>
            {
                using (engine.InterruptAfter(TimeSpan.FromSeconds(1))) return Assert.Throws<WasmTrapException>(spin);
            });
            Assert.Equal(TrapKind.Interrupted, trap.Kind);
            Assert.Equal("timeout after 1 s", trap.Reason);
            Assert.Equal("spin", trap.FunctionName);
            Assert.True(trap.Offset > 0);
            Assert.StartsWith("wasm trap: execution interrupted: timeout after 1 s in function 0 (spin) at byte offset 0x", trap.Message);
        }
        Assert.False(engine.IsInterrupted);
        Assert.Equal(55, instance.GetFunction<Func<int, int>>("count_down")(10));
    }

    [Fact]
    public void InterruptAfter_LongBoundsProvenLoop_TrapsInsideTheLoop()
    {
        // A loop whose trip count and addresses are known at entry runs as a versioned, unrolled copy that loads the
        // interrupt flag only every so many iterations; 2^30 iterations must still be interruptible. Two dependent
        // divisions by a run-time divisor per iteration (nothing the JIT can hoist or fold) keep the loop running for
        // seconds, so the 10 ms timer fires inside it even when parallel tests starve the thread pool.
        var engine = new Engine();
        var sum = Wat.Instantiate(engine, """
            (module
              (memory 1)
              (func (export "sum") (param $p i32) (param $n i32) (param $d i32) (result i32)
                (local $i i32) (local $s i32)
                (loop $l
                  (local.set $s (i32.div_u (i32.add (local.get $s) (i32.load (local.get $p))) (local.get $d)))
                  (local.set $s (i32.div_u (local.get $s) (local.get $d)))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
                (local.get $s)))
            """).GetFunction<Func<int, int, int, int>>("sum");
        Assert.Equal(0, sum(8, 1000, 1));
        var trap = WithinSeconds(30, () =>
        {
            using (engine.InterruptAfter(TimeSpan.FromMilliseconds(10))) return Assert.Throws<WasmTrapException>(() => sum(8, 1 << 30, 1));
        });
        Assert.Equal(TrapKind.Interrupted, trap.Kind);
        Assert.Equal("sum", trap.FunctionName);
    }

    [Fact]
    public void InterruptWhen_TokenCancelledFromAnotherThread_StopsTheRunningGuest()
    {
        var engine = new Engine();
        var spin = Wat.Instantiate(engine, SpinModule).GetFunction("spin")!;
        using var cancellation = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var trap = WithinSeconds(30, () =>
        {
            using var scope = engine.InterruptWhen("cancelled by test", cancellation.Token);
            var canceller = Task.Run(() =>
            {
                started.Wait();
                Thread.Sleep(100);
                cancellation.Cancel();
            });
            started.Set();
            return Assert.Throws<WasmTrapException>(() => spin.Call());
        });
        Assert.Equal(TrapKind.Interrupted, trap.Kind);
        Assert.Contains("execution interrupted: cancelled by test", trap.Message);
    }

    [Fact]
    public void Interrupt_BeforeCall_TrapsAtEntryUntilReset()
    {
        var engine = new Engine();
        var countDown = Wat.Instantiate(engine, SpinModule).GetFunction<Func<int, int>>("count_down");
        engine.Interrupt("stopped by host");
        var trap = Assert.Throws<WasmTrapException>(() => countDown(3));
        Assert.Equal(TrapKind.Interrupted, trap.Kind);
        Assert.Equal("count_down", trap.FunctionName);
        engine.ResetInterrupt();
        Assert.Equal(6, countDown(3));
    }

    [Fact]
    public void Interrupt_InterruptibleOff_CodeRunsUnchecked()
    {
        var engine = new Engine(new EngineOptions { Interruptible = false });
        var countDown = Wat.Instantiate(engine, SpinModule).GetFunction<Func<int, int>>("count_down");
        engine.Interrupt();
        Assert.Equal(5050, countDown(100));
    }

    [Fact]
    public void Instantiate_MemoryMinimumOverMaxMemoryPages_ThrowsLinkErrorNamingTheLimit()
    {
        var engine = new Engine(new EngineOptions { MaxMemoryPages = 4 });
        var module = engine.Compile(Wat.Assemble("(module (memory (export \"memory\") 5))"));
        var e = Assert.Throws<WasmLinkException>(() => new Linker(engine).Instantiate(module));
        Assert.Contains("memory of 5 pages", e.Message);
        Assert.Contains("limit of 4 pages", e.Message);
        Assert.NotNull(new Linker(engine).Instantiate(engine.Compile(Wat.Assemble("(module (memory 4))"))).Memory);
    }

    [Fact]
    public void MemoryGrow_BeyondMaxMemoryPages_ReturnsMinusOneAndKeepsSize()
    {
        var engine = new Engine(new EngineOptions { MaxMemoryPages = 4 });
        var instance = Wat.Instantiate(engine, """
            (module (memory (export "memory") 1)
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (func (export "size") (result i32) (memory.size)))
            """);
        var grow = instance.GetFunction<Func<int, int>>("grow");
        Assert.Equal(-1, grow(4));
        Assert.Equal(1, grow(3));
        Assert.Equal(-1, grow(1));
        Assert.Equal(4, instance.GetFunction<Func<int>>("size")());
        Assert.Equal(-1, instance.GetMemory()!.Grow(1));
    }

    [Fact]
    public void Compile_FunctionWithTooManyLocals_WarnsThroughDiagnostics()
    {
        var warnings = new List<string>();
        var engine = new Engine(new EngineOptions { Diagnostics = warnings.Add });
        var locals = string.Concat(Enumerable.Repeat(" i32", 2500));
        engine.Compile(Wat.Assemble($"(module (func $small (result i32) (i32.const 1)) (func $wide (local{locals})))"));
        var warning = Assert.Single(warnings);
        Assert.Contains("function 1 (wide)", warning);
        Assert.Contains("locals", warning);
    }

    [Fact]
    public void Compile_FunctionPastJitIlLimit_WarnsThroughDiagnostics()
    {
        var warnings = new List<string>();
        var engine = new Engine(new EngineOptions { Diagnostics = warnings.Add });
        var body = string.Concat(Enumerable.Repeat(" (drop (i32.const 100000))", 12_000));
        engine.Compile(Wat.Assemble($"(module (func $huge{body}))"));
        var warning = Assert.Single(warnings);
        Assert.Contains("function 0 (huge)", warning);
        Assert.Contains("bytes of IL", warning);
    }
}
