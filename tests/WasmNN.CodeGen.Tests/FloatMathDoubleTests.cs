using System.Runtime.InteropServices;
using WasmNN.Engine;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen.Tests;

/// <summary>
/// The float64 forms of <see cref="FloatMath"/> (Exp64, Log64) run on the engine against .NET's <c>Math.Exp</c> and
/// <c>Math.Log</c> (the C runtime's, within an ulp of correctly rounded): dense sweeps and the IEEE special values.
/// </summary>
public sealed class FloatMathDoubleTests
{
    private const int Batch = 1 << 16;
    private static readonly Lazy<Instance> s_module = new(Build);

    [Fact]
    public void Exp64_DenseSweep_WithinTwoUlpsOfMathExp() =>
        AssertWithinUlps("exp", Math.Exp, [.. Uniform(-745, 709.7, Batch), .. Uniform(-1, 1, Batch)], 2);

    [Fact]
    public void Log64_DenseSweep_WithinTwoUlpsOfMathLog() =>
        AssertWithinUlps("log", Math.Log, [.. Uniform(0.25, 4, Batch), .. Uniform(1e-300, 1e300, Batch),
            .. Enumerable.Range(0, 4096).Select(i => BitConverter.Int64BitsToDouble(1L + i * 1_000_000_007L)), .. Enumerable.Range(1, 2000).Select(i => Math.Pow(10, i * 0.3 - 300))], 2);

    [Theory]
    [InlineData("exp", double.NegativeInfinity, 0)]
    [InlineData("exp", double.PositiveInfinity, double.PositiveInfinity)]
    [InlineData("exp", double.NaN, double.NaN)]
    [InlineData("exp", 0, 1)]
    [InlineData("exp", 1000, double.PositiveInfinity)]
    [InlineData("exp", -1000, 0)]
    [InlineData("log", 0, double.NegativeInfinity)]
    [InlineData("log", 1, 0)]
    [InlineData("log", -1, double.NaN)]
    [InlineData("log", double.PositiveInfinity, double.PositiveInfinity)]
    [InlineData("log", double.NegativeInfinity, double.NaN)]
    [InlineData("log", double.NaN, double.NaN)]
    public void FloatMath64_SpecialValue_GivesTheIeeeResult(string function, double x, double expected) =>
        Assert.Equal(expected, Map(function, [x])[0]);

    private static void AssertWithinUlps(string function, Func<double, double> reference, double[] x, double maxUlps)
    {
        var y = Map(function, x);
        for (var i = 0; i < x.Length; i++)
        {
            var expected = reference(x[i]);
            var ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
            var error = Math.Abs(y[i] - expected) / ulp;
            Assert.True(error <= maxUlps, $"{function}({x[i]:R}) = {y[i]:R}, Math gives {expected:R} ({error:F2} ulps)");
        }
    }

    private static IEnumerable<double> Uniform(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => from + (to - from) * i / (count - 1));

    private static double[] Map(string function, double[] x)
    {
        var instance = s_module.Value;
        var run = instance.GetFunction<Action<int, int, int>>(function);
        var memory = instance.GetMemory()!;
        var result = new double[x.Length];
        lock (instance)
        {
            for (var start = 0; start < x.Length; start += Batch)
            {
                var count = Math.Min(Batch, x.Length - start);
                x.AsSpan(start, count).CopyTo(MemoryMarshal.Cast<byte, double>(memory.Span[..(Batch * 8)]));
                run(0, Batch * 8, count);
                MemoryMarshal.Cast<byte, double>(memory.Span[(Batch * 8)..])[..count].CopyTo(result.AsSpan(start));
            }
        }
        return result;
    }

    /// <summary>A module exporting <c>exp</c> and <c>log</c> as <c>(src, dst, count)</c> maps over f64 arrays.</summary>
    private static Instance Build()
    {
        var builder = new ModuleBuilder();
        var type = new FuncType([ValueType.I32, ValueType.I32, ValueType.I32], []);
        foreach (var (name, apply) in new (string, Func<FunctionBuilder, FunctionBuilder>)[] { ("exp", FloatMath.Exp64), ("log", FloatMath.Log64) })
        {
            var b = new FunctionBuilder(parameterCount: 3);
            var i = b.Local();
            b.I32(0).Set(i);
            b.While(i, () => b.Get(2), 1, () =>
            {
                b.Get(1).Get(i).I32(3).Op(Opcode.I32Shl).Op(Opcode.I32Add);
                b.Get(0).Get(i).I32(3).Op(Opcode.I32Shl).Op(Opcode.I32Add).Memory(Opcode.F64Load);
                apply(b);
                b.Memory(Opcode.F64Store);
            });
            builder.Export(name, ExternalKind.Function, builder.AddFunction(type, [.. b.Locals], b.Finish()));
        }
        builder.AddMemory(2 * Batch * 8 / 65536);
        builder.Export("memory", ExternalKind.Memory, 0);
        var engine = new Engine.Engine();
        return new Linker(engine).Instantiate(engine.Compile(builder.ToBytes()));
    }
}
