using System.Collections.Immutable;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>One export call every host makes, with the same arguments.</summary>
internal sealed record ExportCall(string Name, FuncType Type, ImmutableArray<WasmValue> Arguments);

/// <summary>
/// What every host does with a binaryen -ttf module: instantiate it, then call each exported function in export
/// order with arguments derived from its position (no randomness: every host sees the same), resetting binaryen's
/// hang limit first (<c>hangLimitInitializer</c>) as binaryen's own fuzz harness does. Exports with a v128 in their
/// signature are left out.
/// </summary>
internal sealed record CallPlan(ImmutableArray<ExportCall> Calls, string? HangLimitInitializer)
{
    public const string HangLimitExport = "hangLimitInitializer";

    private static readonly int[] s_i32 = [0, 1, -1, 42, int.MinValue, int.MaxValue, 65536, -7];
    private static readonly long[] s_i64 = [0, 1, -1, long.MinValue, long.MaxValue, 1L << 40, -3, 4096];
    private static readonly float[] s_f32 = [0f, -0f, 1.5f, -2.25f, 3e38f, float.PositiveInfinity, 1e-40f, -1f];
    private static readonly double[] s_f64 = [0d, -0d, 1.5d, -2.25d, 1e300, double.NegativeInfinity, 5e-324, 1d];

    public static CallPlan For(byte[] moduleBytes)
    {
        var module = ModuleReader.Read(moduleBytes);
        var calls = ImmutableArray.CreateBuilder<ExportCall>();
        bool hasHangLimit = false;
        foreach (var export in module.Exports)
        {
            if (export.Kind != ExternalKind.Function) continue;
            if (export.Name == HangLimitExport)
            {
                hasHangLimit = true;
                continue;
            }
            var type = module.GetFunctionType(export.Index);
            // JavaScript cannot pass or receive a v128, so V8 could not make this call; binaryen's *_invoker exports
            // call such functions from inside wasm instead.
            if (type.Parameters.Contains(ValueType.V128) || type.Results.Contains(ValueType.V128)) continue;
            int position = calls.Count;
            calls.Add(new ExportCall(export.Name, type, [.. type.Parameters.Select((p, i) => Argument(p, position * 3 + i))]));
        }
        return new CallPlan(calls.ToImmutable(), hasHangLimit ? HangLimitExport : null);
    }

    private static WasmValue Argument(ValueType type, int position) => type switch
    {
        ValueType.I32 => WasmValue.FromInt32(s_i32[position % s_i32.Length]),
        ValueType.I64 => WasmValue.FromInt64(s_i64[position % s_i64.Length]),
        ValueType.F32 => WasmValue.FromSingle(s_f32[position % s_f32.Length]),
        ValueType.F64 => WasmValue.FromDouble(s_f64[position % s_f64.Length]),
        ValueType.V128 => WasmValue.FromVector(System.Runtime.Intrinsics.Vector128.Create((byte)position)),
        _ => WasmValue.Default(type),
    };
}
