namespace WasmNN.Engine.Tests;

/// <summary>
/// A function whose IL would pass the JIT's optimisation limits (clang inlines whole libraries into one function:
/// zlib's inflate had 2,127 basic blocks, 22,766 IL instructions) is compiled a second time lean, without duplicated
/// loops and with shared out-of-bounds exits, so it stays optimised; it must compute and trap as before.
/// </summary>
public sealed class LeanFunctionTests
{
    /// <summary>Pointer chasing: each hop loads the next address from the current one, a bounds check per hop.</summary>
    private const int Hops = 1_200;

    private static string ChaseModule()
    {
        var hops = string.Concat(Enumerable.Repeat(" (local.set 0 (i32.load offset=4 (local.get 0)))", Hops));
        return $"""
            (module
              (memory (export "memory") 1)
              (func $chase (export "chase") (param i32) (result i32){hops} (local.get 0)))
            """;
    }

    [Fact]
    public void Compile_ManyBoundsChecksPastTheBlockLimit_CompilesLeanWithoutWarning()
    {
        var warnings = new List<string>();
        var engine = new Engine(new EngineOptions { Diagnostics = warnings.Add });

        engine.Compile(Wat.Assemble(ChaseModule()));

        Assert.Empty(warnings);
    }

    [Fact]
    public void Call_LeanFunction_FollowsTheChainAsWasmSays()
    {
        var engine = new Engine();
        var instance = Wat.Instantiate(engine, ChaseModule());
        var memory = instance.GetMemory()!.Span;
        // Cell at address a + 4 holds a + 8: every hop moves 8 bytes on.
        for (int a = 0; a + 8 <= 16_384; a += 8) BitConverter.TryWriteBytes(memory[(a + 4)..], a + 8);

        int end = instance.GetFunction<Func<int, int>>("chase")(0);

        Assert.Equal(Hops * 8, end);
    }

    [Fact]
    public void Call_LeanFunctionReadingPastTheEnd_TrapsOutOfBounds()
    {
        var engine = new Engine();
        var instance = Wat.Instantiate(engine, ChaseModule());
        // Memory is zero: the first hop reads address 4 and goes to 0... except from the last word of the page.
        BitConverter.TryWriteBytes(instance.GetMemory()!.Span[(65_536 - 4)..], 65_536);

        var trap = Assert.Throws<WasmTrapException>(() => instance.GetFunction<Func<int, int>>("chase")(65_536 - 8));

        Assert.Equal(TrapKind.MemoryOutOfBounds, trap.Kind);
        Assert.Equal(0, trap.FunctionIndex);
    }
}
