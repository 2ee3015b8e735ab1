using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests.JitLimits;

/// <summary>
/// The engine predicts from a method's IL whether the JIT will drop it to MinOpts (<see cref="IlStatistics"/>), and
/// falls back to a smaller tier when it would. Each test grows a generated wasm function along one count until the
/// prediction flips, then asks the runtime itself (its MethodLoadVerbose event) what it did with the function one step
/// below and at the flip: optimised, then MinOpts. A count the model reads differently from the JIT fails here.
/// </summary>
public sealed class JitLimitModelTests : IDisposable
{
    private readonly JitTierListener _jit = new();

    public void Dispose() => _jit.Dispose();

    /// <summary>A loop-free wasm function shape and the count it grows with its size (as ExceededJitLimits names it).</summary>
    public static TheoryData<string, string> Shapes => new()
    {
        { "locals", "locals" },
        { "local references", "local references" },
        { "IL instructions", "IL instructions" },
        { "unaligned loads", "IL instructions" },
        { "bytes of IL", "bytes of IL" },
        { "basic blocks", "basic blocks" },
        { "br_table", "basic blocks" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Compile_FunctionAroundTheLimit_PredictionMatchesTheJit(string shape, string limit)
    {
        var (within, past) = Flip(shape);

        Assert.Empty(within.Statistics.ExceededJitLimits());
        Assert.Equal(JitTier.Optimized, _jit.Compile(within.Method));
        Assert.Contains(past.Statistics.ExceededJitLimits(), reason => reason.Contains(limit, StringComparison.Ordinal));
        Assert.Equal(JitTier.MinOptJitted, _jit.Compile(past.Method));
    }

    private sealed record Compiled(System.Reflection.MethodInfo Method, IlStatistics Statistics);

    /// <summary>The largest size the engine predicts optimised and the next one, found by bisection.</summary>
    private static (Compiled Within, Compiled Past) Flip(string shape)
    {
        int low = 1, high = 1;
        while (!PredictedPast(Compile(shape, high))) { low = high; high *= 2; }
        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            if (PredictedPast(Compile(shape, middle))) high = middle; else low = middle;
        }
        // Compiled afresh: a method the JIT has seen once is not compiled again.
        return (Compile(shape, low), Compile(shape, high));
    }

    private static bool PredictedPast(Compiled compiled) => compiled.Statistics.ExceededJitLimits().Any();

    private static Compiled Compile(string shape, int size)
    {
        var module = ModuleReader.Read(Wat.Assemble(Module(shape, size)));
        // Lean everywhere: no fallback compile, so the method is the IL the prediction was made on.
        var engine = new Engine(new EngineOptions { LeanAndOutlineEverywhere = true });
        var method = ModuleCompiler.Compile(engine, module, $"jit-limit-{size}").Methods[0];
        return new Compiled(method, IlStatistics.Of(method));
    }

    private static string Module(string shape, int size)
    {
        string Repeat(Func<int, string> line) => string.Concat(Enumerable.Range(0, size).Select(line));
        string function = shape switch
        {
            // Each local written once and all summed: the declared locals grow, little else.
            "locals" => $"""
                (func (export "f") (param i32) (result i32)
                  (local {string.Concat(Enumerable.Repeat("i32 ", size))})
                {Repeat(k => $"  (local.set {k + 1} (i32.add (local.get 0) (i32.const {k % 100})))\n")}
                  (local.get {size}))
                """,
            // Three references a line, few instructions, one local.
            "local references" => $"""
                (func (export "f") (param i32) (result i32) (local i32)
                {Repeat(k => "  (local.set 1 (i32.xor (local.get 1) (local.get 0)))\n")}
                  (local.get 1))
                """,
            // Two short instructions a line (ldc.i4.s and an operator), no references.
            "IL instructions" => $"""
                (func (export "f") (param i32) (result i32)
                  (local.get 0)
                {Repeat(k => $"  (i32.const {2 + k % 100}) ({(k % 2 == 0 ? "i32.mul" : "i32.xor")})\n")}
                )
                """,
            // Loads from constant addresses inside the minimum memory (no bounds check), each with an unaligned. prefix.
            "unaligned loads" => $"""
                (memory 1)
                (func (export "f") (param i32) (result i32)
                  (local.get 0)
                {Repeat(k => $"  (i32.load offset={4 * (k % 1000)} (i32.const 0)) (i32.xor)\n")}
                )
                """,
            // Ten bytes a line (ldc.i8 and an operator) in two instructions.
            "bytes of IL" => $"""
                (func (export "f") (param i64) (result i64)
                  (local.get 0)
                {Repeat(k => $"  (i64.const {0x1234_5678_9abc_def0L + k}) ({(k % 2 == 0 ? "i64.add" : "i64.xor")})\n")}
                )
                """,
            // Two blocks a line (the then-branch and the join).
            "basic blocks" => $"""
                (func (export "f") (param i32) (result i32) (local i32)
                {Repeat(k => $"  (if (i32.and (local.get 0) (i32.const {1 << (k % 31)})) (then (local.set 1 (i32.add (local.get 1) (i32.const {k % 100})))))\n")}
                  (local.get 1))
                """,
            // A switch a line with two targets (its fall-through and the join).
            "br_table" => $"""
                (func (export "f") (param i32) (result i32) (local i32)
                {Repeat(k => $"  (block (block (br_table 0 1 0 (i32.and (local.get 0) (i32.const 3)))) (local.set 1 (i32.add (local.get 1) (i32.const {k % 100}))))\n")}
                  (local.get 1))
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
        return $"(module\n{function})";
    }
}
