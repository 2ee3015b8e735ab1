using static WasmNN.Engine.Tests.TestModule;

namespace WasmNN.Engine.Tests;

public class WasmTrapExceptionTests
{
    [Fact]
    public void Trap_DivideByZero_CarriesKindFunctionNameAndOffset()
    {
        byte[] body = [0x20, 0x00, 0x20, 0x01, 0x6D]; // local.get 0, local.get 1, i32.div_s
        var module = new TestModule();
        module.AddFunction([I32, I32], [I32], body, name: "divide", export: "div");
        var bytes = module.Build();
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(bytes));

        var trap = Assert.Throws<WasmTrapException>(() => instance.GetFunction<Func<int, int, int>>("div")(1, 0));

        Assert.Equal(TrapKind.IntegerDivideByZero, trap.Kind);
        Assert.Equal(0, trap.FunctionIndex);
        Assert.Equal("divide", trap.FunctionName);
        Assert.Equal(IndexOf(bytes, body) + 4, trap.Offset);
        Assert.Contains("integer divide by zero", trap.Message);
        Assert.Contains("divide", trap.Message);
    }

    [Fact]
    public void Trap_SignedDivisionOverflow_IsIntegerOverflow()
    {
        var module = new TestModule();
        module.AddFunction([I32, I32], [I32], [0x20, 0x00, 0x20, 0x01, 0x6D], export: "div");
        var div = Instantiate(module).GetFunction<Func<int, int, int>>("div");
        Assert.Equal(TrapKind.IntegerOverflow, Assert.Throws<WasmTrapException>(() => div(int.MinValue, -1)).Kind);
        Assert.Equal(-3, div(7, -2));
    }

    [Fact]
    public void Trap_InfiniteRecursion_IsCallStackExhaustedAndDepthRecovers()
    {
        var module = new TestModule();
        module.AddFunction([], [], [0x10, 0x00], name: "forever", export: "forever");
        module.AddFunction([I32], [I32], [0x20, 0x00], export: "id");
        var instance = Instantiate(module);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var trap = Assert.Throws<WasmTrapException>(() => instance.GetFunction("forever")!.Call());
            Assert.Equal(TrapKind.CallStackExhausted, trap.Kind);
            Assert.Equal("forever", trap.FunctionName);
        }
        Assert.Equal(5, instance.GetFunction<Func<int, int>>("id")(5));
    }

    [Fact]
    public void Trap_RecursionPastConfiguredDepth_Traps()
    {
        var module = new TestModule();
        // count(n) = n == 0 ? 0 : 1 + count(n - 1)
        module.AddFunction([I32], [I32],
            [0x20, 0x00, 0x45, 0x04, 0x7F, 0x41, 0x00, 0x05, 0x41, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x00, 0x6A, 0x0B],
            export: "count");
        var engine = new Engine(new EngineOptions { MaxCallDepth = 1000 });
        var count = new Linker(engine).Instantiate(engine.Compile(module.Build())).GetFunction<Func<int, int>>("count");
        Assert.Equal(900, count(900));
        Assert.Equal(TrapKind.CallStackExhausted, Assert.Throws<WasmTrapException>(() => count(5000)).Kind);
    }

    private static Instance Instantiate(TestModule module)
    {
        var engine = new Engine();
        return new Linker(engine).Instantiate(engine.Compile(module.Build()));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        }
        return -1;
    }
}
