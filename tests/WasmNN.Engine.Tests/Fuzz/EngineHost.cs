using System.Runtime.Intrinsics;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>Runs a <see cref="CallPlan"/> on our engine, with binaryen's logging imports, and records its trace.</summary>
internal static class EngineHost
{
    /// <summary>Per-call time limit: binaryen's hang limit bounds loops, this catches what it does not.</summary>
    private static readonly TimeSpan s_callLimit = TimeSpan.FromSeconds(10);

    /// <summary>The trace; any exception but a trap (or a link error at instantiation) propagates as an engine bug.</summary>
    public static List<string> Run(byte[] moduleBytes, CallPlan plan, EngineOptions? options = null)
    {
        var trace = new List<string>();
        var engine = new Engine(options ?? EngineOptions.Default);
        var module = engine.Compile(moduleBytes);
        var linker = new Linker(engine);
        linker.DefineFunction(LogModule, "log-i32", (Action<int>)(v => trace.Add(ExecutionTrace.Log(WasmValue.FromInt32(v)))));
        linker.DefineFunction(LogModule, "log-i64", (Action<long>)(v => trace.Add(ExecutionTrace.Log(WasmValue.FromInt64(v)))));
        linker.DefineFunction(LogModule, "log-f32", (Action<float>)(v => trace.Add(ExecutionTrace.Log(WasmValue.FromSingle(v)))));
        linker.DefineFunction(LogModule, "log-f64", (Action<double>)(v => trace.Add(ExecutionTrace.Log(WasmValue.FromDouble(v)))));
        linker.DefineFunction(LogModule, "log-v128", (Action<Vector128<byte>>)(v => trace.Add(ExecutionTrace.Log(WasmValue.FromVector(v)))));

        Instance instance;
        try
        {
            instance = linker.Instantiate(module);
        }
        catch (WasmTrapException trap)
        {
            trace.Add(ExecutionTrace.Trap(trap.Kind));
            return trace;
        }
        var hangLimit = plan.HangLimitInitializer is null ? null : instance.GetFunction(plan.HangLimitInitializer);
        foreach (var call in plan.Calls)
        {
            trace.Add(ExecutionTrace.Call(call.Name));
            try
            {
                using (engine.InterruptAfter(s_callLimit))
                {
                    hangLimit?.Call();
                    var results = instance.GetFunction(call.Name)!.Call([.. call.Arguments]);
                    trace.Add(ExecutionTrace.Return(results));
                }
            }
            catch (WasmTrapException trap)
            {
                trace.Add(ExecutionTrace.Trap(trap.Kind));
            }
            if (trace[^1].StartsWith(ExecutionTrace.StopPrefix, StringComparison.Ordinal)) break;
        }
        return trace;
    }

    public const string LogModule = "fuzzing-support";
}
