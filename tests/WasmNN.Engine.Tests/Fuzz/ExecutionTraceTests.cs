namespace WasmNN.Engine.Tests.Fuzz;

public sealed class ExecutionTraceTests
{
    [Fact]
    public void FirstDifference_DifferentLog_NamesTheLine()
    {
        string? difference = ExecutionTrace.FirstDifference(["call f", "log i32 1", "ret"], ["call f", "log i32 2", "ret"], "ours", "wasmtime");
        Assert.Equal("line 1: ours 'log i32 1' vs wasmtime 'log i32 2'", difference);
    }

    [Fact]
    public void FirstDifference_OneTraceLonger_IsADifference()
    {
        Assert.NotNull(ExecutionTrace.FirstDifference(["call f", "ret"], ["call f", "ret", "call g", "ret"], "a", "b"));
    }

    [Fact]
    public void FirstDifference_AfterAStop_IsIgnored()
    {
        Assert.Null(ExecutionTrace.FirstDifference(["call f", "stop js-boundary"], ["call f", "log v128 00", "ret"], "v8", "ours"));
        Assert.NotNull(ExecutionTrace.FirstDifference(["call f", "trap memory", "stop stack"], ["call f", "ret"], "v8", "ours"));
    }

    [Fact]
    public void Value_AnyNaN_PrintsAlikeButOtherFloatsByBits()
    {
        Assert.Equal(ExecutionTrace.Value(WasmValue.FromSingleBits(0x7FC00000)), ExecutionTrace.Value(WasmValue.FromSingleBits(0xFFC00001)));
        Assert.Equal(ExecutionTrace.Value(WasmValue.FromDoubleBits(0x7FF8000000000000)), ExecutionTrace.Value(WasmValue.FromDoubleBits(0xFFF0000000000001)));
        Assert.NotEqual(ExecutionTrace.Value(WasmValue.FromSingle(0f)), ExecutionTrace.Value(WasmValue.FromSingle(-0f)));
    }

    [Fact]
    public void Trap_DivideByZeroAndOverflow_AreDistinct()
    {
        Assert.NotEqual(ExecutionTrace.Trap(TrapKind.IntegerDivideByZero), ExecutionTrace.Trap(TrapKind.IntegerOverflow));
        Assert.StartsWith(ExecutionTrace.StopPrefix, ExecutionTrace.Trap(TrapKind.CallStackExhausted), StringComparison.Ordinal);
    }

    [Fact]
    public void FirstDifference_V128DifferingOnlyInNaNLanes_Agrees()
    {
        // f64x2.max of two NaNs: ours keeps an input's payload, wasmtime gives the canonical NaN; both are allowed.
        Assert.Null(ExecutionTrace.FirstDifference(["log v128 f0ffffff6ec3ffffb2000000d4ffffff"], ["log v128 000000000000f8ff000000000000f8ff"], "ours", "wasmtime"));
        Assert.Null(ExecutionTrace.FirstDifference(["log v128 0100000002000000030000000000c07f"], ["log v128 0100000002000000030000000100c0ff"], "ours", "wasmtime"));
        Assert.NotNull(ExecutionTrace.FirstDifference(["log v128 0100000002000000030000000000c07f"], ["log v128 01000000020000000400000000000000"], "ours", "wasmtime"));
    }
}
