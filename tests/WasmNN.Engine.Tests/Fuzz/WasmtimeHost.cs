using System.Runtime.Intrinsics;
using Wasmtime;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>Runs a <see cref="CallPlan"/> on wasmtime (Cranelift), the reference the fuzz tests compare against.</summary>
internal static class WasmtimeHost
{
    private static readonly TimeSpan s_callLimit = TimeSpan.FromSeconds(10);

    public static List<string> Run(byte[] moduleBytes, CallPlan plan)
    {
        var trace = new List<string>();
        using var config = new Config().WithSIMD(true).WithBulkMemory(true).WithMultiValue(true).WithEpochInterruption(true);
        using var engine = new Wasmtime.Engine(config);
        using var module = Module.FromBytes(engine, "fuzz", moduleBytes);
        using var linker = new Wasmtime.Linker(engine);
        using var store = new Store(engine);
        DefineLog(linker, "log-i32", ValueKind.Int32, a => WasmValue.FromInt32(a.AsInt32()));
        DefineLog(linker, "log-i64", ValueKind.Int64, a => WasmValue.FromInt64(a.AsInt64()));
        DefineLog(linker, "log-f32", ValueKind.Float32, a => WasmValue.FromSingle(a.AsSingle()));
        DefineLog(linker, "log-f64", ValueKind.Float64, a => WasmValue.FromDouble(a.AsDouble()));
        DefineLog(linker, "log-v128", ValueKind.V128, a => WasmValue.FromVector(Vector128.Create(a.AsV128().AsSpan())));
        void Record(WasmValue value) => trace.Add(ExecutionTrace.Log(value));

        void DefineLog(Wasmtime.Linker l, string name, ValueKind kind, Func<ValueBox, WasmValue> read) =>
            l.DefineFunction(EngineHost.LogModule, name, (Wasmtime.Caller _, ReadOnlySpan<ValueBox> arguments, Span<ValueBox> _) => Record(read(arguments[0])),
                [kind], []);

        Wasmtime.Instance instance;
        store.SetEpochDeadline(1);
        try
        {
            instance = Timed(engine, () => linker.Instantiate(store, module));
        }
        catch (TrapException trap)
        {
            trace.Add(Trap(trap));
            return trace;
        }
        var hangLimit = plan.HangLimitInitializer is null ? null : instance.GetFunction(plan.HangLimitInitializer);
        foreach (var call in plan.Calls)
        {
            trace.Add(ExecutionTrace.Call(call.Name));
            try
            {
                store.SetEpochDeadline(1);
                var function = instance.GetFunction(call.Name)!;
                var result = Timed(engine, () =>
                {
                    hangLimit?.Invoke();
                    return function.Invoke([.. call.Arguments.Select(Box)]);
                });
                trace.Add(ExecutionTrace.Return(Results(result, call.Type.Results)));
            }
            catch (TrapException trap)
            {
                trace.Add(Trap(trap));
            }
            if (trace[^1].StartsWith(ExecutionTrace.StopPrefix, StringComparison.Ordinal)) break;
        }
        return trace;
    }

    /// <summary>Runs <paramref name="action"/>, bumping the epoch (which traps the guest) if it runs too long.</summary>
    private static T Timed<T>(Wasmtime.Engine engine, Func<T> action)
    {
        using var timer = new Timer(_ => engine.IncrementEpoch(), null, s_callLimit, Timeout.InfiniteTimeSpan);
        return action();
    }

    private static ValueBox Box(WasmValue value) => value.Type switch
    {
        ValueType.I32 => value.AsInt32(),
        ValueType.I64 => value.AsInt64(),
        ValueType.F32 => value.AsSingle(),
        ValueType.F64 => value.AsDouble(),
        ValueType.V128 => new V128(BytesOf(value.AsVector())),
        _ => throw new NotSupportedException($"argument of type {value.Type}"),
    };

    private static IEnumerable<WasmValue> Results(object? result, IReadOnlyList<ValueType> types)
    {
        object?[] values = types.Count switch
        {
            0 => [],
            1 => [result],
            _ => (object?[])result!,
        };
        return values.Select((v, i) => types[i] switch
        {
            ValueType.I32 => WasmValue.FromInt32((int)v!),
            ValueType.I64 => WasmValue.FromInt64((long)v!),
            ValueType.F32 => WasmValue.FromSingle((float)v!),
            ValueType.F64 => WasmValue.FromDouble((double)v!),
            ValueType.V128 => WasmValue.FromVector(Vector128.Create(((V128)v!).AsSpan())),
            var other => WasmValue.Default(other),
        });
    }

    private static string Trap(TrapException trap) => trap.Type switch
    {
        TrapCode.Unreachable => "trap unreachable",
        TrapCode.MemoryOutOfBounds or TrapCode.HeapMisaligned => "trap memory",
        TrapCode.TableOutOfBounds => "trap table",
        TrapCode.IndirectCallToNull or TrapCode.BadSignature => "trap indirect",
        TrapCode.IntegerDivisionByZero => "trap divide",
        TrapCode.IntegerOverflow or TrapCode.BadConversionToInteger => "trap overflow",
        TrapCode.StackOverflow => ExecutionTrace.StopPrefix + "stack",
        TrapCode.Interrupt => ExecutionTrace.StopPrefix + "timeout",
        var other => "trap " + other,
    };

    private static byte[] BytesOf(Vector128<byte> vector)
    {
        var bytes = new byte[16];
        vector.CopyTo(bytes);
        return bytes;
    }
}
