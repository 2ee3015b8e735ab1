using System.Globalization;
using System.Text;
using Wasmtime;

namespace WasmNN.Engine.Tests;

/// <summary>
/// The threads proposal on the engine: shared memories used by real .NET threads, and every atomic instruction's
/// single-threaded behaviour checked against V8 (Node) running the same wat2wasm-assembled module; wasmtime checks the
/// unshared-memory rules (its .NET binding cannot turn on shared memories).
/// </summary>
public class AtomicsTests
{
    private static readonly TimeSpan s_threadLimit = TimeSpan.FromMinutes(1);

    private const string AddMany = """
        (func (export "add_many") (param $n i32)
          (loop $next
            (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
            (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 3)))
            (drop (i32.atomic.rmw8.add_u (i32.const 17) (i32.const 1)))
            (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
        """;

    [Fact]
    public void RmwAdd_ThreadsOnOneSharedMemoryAcrossTwoInstances_TotalIsExact()
    {
        const int threads = 4, iterations = 50_000;
        var engine = new Engine();
        var first = Wat.Instantiate(engine, $$"""
            (module
              (memory (export "memory") 1 1 shared)
              {{AddMany}}
              (func (export "load32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
              (func (export "load64") (param i32) (result i64) (i64.atomic.load (local.get 0))))
            """);
        // A second instance works on the first one's memory through an import: one buffer, two instances.
        var second = Wat.Instantiate(engine, $"(module (import \"a\" \"memory\" (memory 1 1 shared)) {AddMany})",
            new Linker(engine).Define("a", "memory", first.GetMemory()!));

        var workers = Enumerable.Range(0, threads).Select(t =>
        {
            var addMany = (t % 2 == 0 ? first : second).GetFunction<Action<int>>("add_many");
            var thread = new Thread(() => addMany(iterations));
            thread.Start();
            return thread;
        }).ToList();
        foreach (var worker in workers) Assert.True(worker.Join(s_threadLimit), "a worker did not finish");

        var load32 = first.GetFunction<Func<int, int>>("load32");
        Assert.Equal(threads * iterations, load32(0));
        Assert.Equal(3L * threads * iterations, first.GetFunction<Func<int, long>>("load64")(8));
        // The byte counter wraps at 256 without disturbing its neighbours (the word at 16 holds it in its second byte).
        Assert.Equal((threads * iterations % 256) << 8, load32(16));
    }

    [Fact]
    public void WaitNotify_PingPongBetweenTwoThreads_EveryTurnHandsOver()
    {
        const int rounds = 2_000;
        var instance = Wat.Instantiate(new Engine(), """
            (module
              (memory 1 1 shared)
              ;; Player p takes turns p, p+2, p+4...: waits until the turn counter at 0 reaches its turn, bumps it and
              ;; wakes the other player. Returns how many waits were woken by a notify.
              (func (export "play") (param $player i32) (param $rounds i32) (result i32)
                (local $turn i32) (local $seen i32) (local $woken i32)
                (local.set $turn (local.get $player))
                (loop $round
                  (block $my_turn
                    (loop $wait
                      (local.set $seen (i32.atomic.load (i32.const 0)))
                      (br_if $my_turn (i32.eq (local.get $seen) (local.get $turn)))
                      (if (i32.eqz (memory.atomic.wait32 (i32.const 0) (local.get $seen) (i64.const -1)))
                        (then (local.set $woken (i32.add (local.get $woken) (i32.const 1)))))
                      (br $wait)))
                  (i32.atomic.store (i32.const 0) (i32.add (local.get $turn) (i32.const 1)))
                  (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
                  (local.set $turn (i32.add (local.get $turn) (i32.const 2)))
                  (br_if $round (i32.lt_u (local.get $turn) (i32.mul (local.get $rounds) (i32.const 2)))))
                (local.get $woken))
              (func (export "turn") (result i32) (i32.atomic.load (i32.const 0))))
            """);
        var play = instance.GetFunction<Func<int, int, int>>("play");
        var woken = new int[2];
        var players = Enumerable.Range(0, 2).Select(p => new Thread(() => woken[p] = play(p, rounds))).ToList();
        players.ForEach(t => t.Start());
        foreach (var player in players) Assert.True(player.Join(s_threadLimit), "a player is still blocked: a notify was lost");

        Assert.Equal(2 * rounds, instance.GetFunction<Func<int>>("turn")());
        // Strict alternation leaves the second player waiting for nearly every turn: real blocking, real wake-ups.
        Assert.True(woken.Sum() > 0, "no wait was ever woken by a notify");
    }

    [Theory]
    [InlineData(300_000)]     // under a millisecond: the event's millisecond wait alone would return at once
    [InlineData(1_500_000)]   // a fraction past whole milliseconds
    public void Wait_TimeoutWithoutNotify_TimesOutNoSoonerThanTheTimeout(long timeoutNanoseconds)
    {
        var wait = Wat.Instantiate(new Engine(), """
            (module
              (memory 1 1 shared)
              (func (export "wait") (param i64) (result i32)
                (memory.atomic.wait32 (i32.const 0) (i32.const 0) (local.get 0))))
            """).GetFunction<Func<long, int>>("wait");

        Assert.Equal(2, wait(0));   // compiles the call path before the clock starts
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.Equal(2, wait(timeoutNanoseconds));   // "timed-out"
        // A lower bound only: how much later it returns depends on the machine, and is not asserted.
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks * 100 >= timeoutNanoseconds);
    }

    [Fact]
    public void AtomicInstructions_SingleThreadedSequence_MatchesNode()
    {
        var (wat, calls) = AtomicProbe();
        var bytes = Wat.Assemble(wat);
        var ours = RunOnEngine(bytes, calls);
        var reference = RunOnNode(bytes, calls);
        Assert.Equal(reference, ours);
        // The sequence must exercise both outcomes, or it could not tell engines apart.
        Assert.Contains(ours, line => line.EndsWith("trap", StringComparison.Ordinal));
        Assert.Contains(ours, line => line.EndsWith("= 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Wait_UnsharedMemory_TrapsAndNotifyWakesNobody()
    {
        const string wat = """
            (module
              (memory 1)
              (func (export "wait32") (param i32 i64 i64) (result i64)
                (i64.extend_i32_u (memory.atomic.wait32 (local.get 0) (i32.wrap_i64 (local.get 1)) (local.get 2))))
              (func (export "notify") (param i32 i64 i64) (result i64)
                (i64.extend_i32_u (memory.atomic.notify (local.get 0) (i32.wrap_i64 (local.get 1))))))
            """;
        (string, long[])[] calls = [("notify", [0, 5, 0]), ("wait32", [0, 0, 0]), ("wait32", [0, 1, 0])];
        var bytes = Wat.Assemble(wat);
        var ours = RunOnEngine(bytes, calls);
        Assert.Equal(RunOnWasmtime(bytes, calls), ours);
        Assert.Equal(["notify(0, 5, 0) = 0", "wait32(0, 0, 0) trap", "wait32(0, 1, 0) trap"], ours);
        var trap = Assert.Throws<WasmTrapException>(() => Wat.Instantiate(new Engine(), wat).GetFunction("wait32")!.Invoke(0, 0L, 0L));
        Assert.Equal(TrapKind.WaitOnUnsharedMemory, trap.Kind);
        Assert.Contains("expected shared memory", trap.Message, StringComparison.Ordinal);
        Assert.True(trap.Offset > 0, "the trap names the wait instruction's offset");
    }

    /// <summary>
    /// A module exporting one <c>(i32 address, i64 a, i64 b) -> i64</c> function per atomic instruction, and a call
    /// sequence touching aligned, unaligned and out-of-bounds addresses, with values wider than every access.
    /// </summary>
    private static (string Wat, (string Name, long[] Arguments)[] Calls) AtomicProbe()
    {
        var wat = new StringBuilder("(module (memory 1 1 shared)\n");
        var names = new List<string>();
        void Function(string name, string body)
        {
            names.Add(name);
            wat.Append(CultureInfo.InvariantCulture, $"(func (export \"{name}\") (param $a i32) (param $x i64) (param $y i64) (result i64) {body})\n");
        }
        (string Type, string Bits)[] forms = [("i32", ""), ("i64", ""), ("i32", "8"), ("i32", "16"), ("i64", "8"), ("i64", "16"), ("i64", "32")];
        foreach (var (type, bits) in forms)
        {
            string suffix = bits == "" ? "" : "_u";
            string Arg(string local) => type == "i32" ? $"(i32.wrap_i64 (local.get {local}))" : $"(local.get {local})";
            string Result(string expression) => type == "i32" ? $"(i64.extend_i32_u {expression})" : expression;
            Function($"{type}.load{bits}", Result($"({type}.atomic.load{bits}{suffix} (local.get $a))"));
            Function($"{type}.store{bits}", $"({type}.atomic.store{bits} (local.get $a) {Arg("$x")}) (i64.const 0)");
            foreach (var op in new[] { "add", "sub", "and", "or", "xor", "xchg" })
            {
                Function($"{type}.rmw{bits}.{op}", Result($"({type}.atomic.rmw{bits}.{op}{suffix} (local.get $a) {Arg("$x")})"));
            }
            Function($"{type}.rmw{bits}.cmpxchg", Result($"({type}.atomic.rmw{bits}.cmpxchg{suffix} (local.get $a) {Arg("$x")} {Arg("$y")})"));
        }
        Function("wait32", "(i64.extend_i32_u (memory.atomic.wait32 (local.get $a) (i32.wrap_i64 (local.get $x)) (local.get $y)))");
        Function("wait64", "(i64.extend_i32_u (memory.atomic.wait64 (local.get $a) (local.get $x) (local.get $y)))");
        Function("notify", "(i64.extend_i32_u (memory.atomic.notify (local.get $a) (i32.wrap_i64 (local.get $x))))");
        Function("fence", "(atomic.fence) (i64.const 0)");
        wat.Append(')');

        var calls = new List<(string, long[])> { ("i64.store", [8, unchecked((long)0xF1E2D3C4B5A69788), 0]) };
        long value = 0x0123456789ABCDEF;
        foreach (var name in names.Where(n => !n.StartsWith("wait", StringComparison.Ordinal)))
        {
            value = value * 6364136223846793005 + 1442695040888963407;
            calls.Add((name, [8, value, value >> 7]));
            calls.Add((name, [11, value, value]));       // aligned only for 1-byte accesses
            calls.Add((name, [65_534, value, value]));   // in bounds only for accesses up to 2 bytes
            calls.Add(("i64.load", [8, 0, 0]));
        }
        // Compare-exchange that succeeds: expect what is there (wider than the access: the expected value is wrapped).
        calls.Add(("i64.store", [16, 0x1234, 0]));
        calls.Add(("i32.rmw8.cmpxchg", [16, 0x7700000034, 0x99]));
        calls.Add(("i64.load", [16, 0, 0]));
        calls.Add(("wait32", [16, 0, 1_000]));           // not equal: 1
        calls.Add(("wait32", [16, 0x1299, 1_000]));      // equal, 1 us timeout: 2
        calls.Add(("wait64", [16, 0x1299, 0]));          // equal, zero timeout: 2
        calls.Add(("wait64", [20, 0, 0]));               // unaligned
        return (wat.ToString(), [.. calls]);
    }

    private static List<string> RunOnEngine(byte[] bytes, (string Name, long[] Arguments)[] calls)
    {
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(bytes));
        return Outcomes(calls, (name, a) => instance.GetFunction(name)!.Invoke((int)a[0], a[1], a[2]), e => e is WasmTrapException);
    }

    private const string NodeRunner = """
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(input.wasm, 'base64')));
        const lines = input.calls.map(([name, a, x, y]) => {
          try { return `= ${instance.exports[name](Number(a), BigInt(x), BigInt(y))}`; }
          catch (e) { if (e instanceof WebAssembly.RuntimeError) return 'trap'; throw e; }
        });
        console.log(JSON.stringify(lines));
        """;

    private static List<string> RunOnNode(byte[] bytes, (string Name, long[] Arguments)[] calls)
    {
        var outcomes = NodeScript.Run(NodeRunner, new
        {
            wasm = Convert.ToBase64String(bytes),
            calls = calls.Select(c => new[] { c.Name }.Concat(c.Arguments.Select(a => a.ToString(CultureInfo.InvariantCulture)))),
        });
        return [.. calls.Zip(outcomes.EnumerateArray(), (call, outcome) => Line(call, outcome.GetString()!))];
    }

    private static List<string> RunOnWasmtime(byte[] bytes, (string Name, long[] Arguments)[] calls)
    {
        // Atomics on unshared memories need only the threads feature; wasmtime-dotnet has no switch for shared ones.
        using var config = new Config().WithWasmThreads(true);
        using var engine = new Wasmtime.Engine(config);
        using var module = Module.FromBytes(engine, "atomics", bytes);
        using var store = new Store(engine);
        using var linker = new Wasmtime.Linker(engine);
        var instance = linker.Instantiate(store, module);
        return Outcomes(calls, (name, a) => instance.GetFunction(name)!.Invoke((int)a[0], a[1], a[2]), e => e is TrapException);
    }

    private static List<string> Outcomes((string Name, long[] Arguments)[] calls, Func<string, long[], object?> invoke, Func<Exception, bool> isTrap) =>
        [.. calls.Select(call =>
        {
            try
            {
                return Line(call, $"= {invoke(call.Name, call.Arguments)}");
            }
            catch (Exception e) when (isTrap(e))
            {
                return Line(call, "trap");
            }
        })];

    private static string Line((string Name, long[] Arguments) call, string outcome) =>
        string.Create(CultureInfo.InvariantCulture, $"{call.Name}({string.Join(", ", call.Arguments)}) {outcome}");
}
