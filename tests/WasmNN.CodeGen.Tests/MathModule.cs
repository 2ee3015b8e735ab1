using WasmNN.Engine;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen.Tests;

/// <summary>
/// A module with one export per <see cref="FloatMath"/> function and lane width, <c>{name}_{width}(src, dst, count)</c>
/// mapping <c>count</c> floats, instantiated on the engine; <see cref="Map"/> runs one over a span.
/// </summary>
internal sealed class MathModule
{
    public const int BatchFloats = 1 << 18;

    public static readonly IReadOnlyDictionary<string, Func<FunctionBuilder, int, FunctionBuilder>> Functions =
        new Dictionary<string, Func<FunctionBuilder, int, FunctionBuilder>>
        {
            ["exp"] = FloatMath.Exp,
            ["log"] = FloatMath.Log,
            ["tanh"] = FloatMath.Tanh,
            ["sigmoid"] = FloatMath.Sigmoid,
            ["erf"] = FloatMath.Erf,
            ["sin"] = FloatMath.Sin,
            ["cos"] = FloatMath.Cos,
            ["tan"] = FloatMath.Tan,
            ["sinh"] = FloatMath.Sinh,
            ["cosh"] = FloatMath.Cosh,
            ["asin"] = FloatMath.Asin,
            ["acos"] = FloatMath.Acos,
            ["atan"] = FloatMath.Atan,
            ["asinh"] = FloatMath.Asinh,
            ["acosh"] = FloatMath.Acosh,
            ["atanh"] = FloatMath.Atanh,
        };

    private static readonly Lazy<MathModule> s_shared = new(() => new MathModule());

    private readonly Instance _instance;

    private MathModule()
    {
        var builder = new ModuleBuilder();
        var type = new FuncType([ValueType.I32, ValueType.I32, ValueType.I32], []);
        foreach (var (name, apply) in Functions)
        {
            foreach (var width in new[] { 1, FunctionBuilder.VectorWidth })
            {
                var b = new FunctionBuilder(parameterCount: 3);
                var i = b.Local();
                b.I32(0).Set(i);
                b.While(i, () => b.Get(2), width, () =>
                {
                    b.Get(1).Get(i).I32(2).Op(Opcode.I32Shl).Op(Opcode.I32Add);
                    b.Get(0).Get(i).I32(2).Op(Opcode.I32Shl).Op(Opcode.I32Add).Load(width);
                    apply(b, width);
                    b.Store(width);
                });
                var index = builder.AddFunction(type, [.. b.Locals], b.Finish());
                builder.Export($"{name}_{width}", ExternalKind.Function, index);
            }
        }
        builder.AddMemory(2 * BatchFloats * sizeof(float) / 65536);
        builder.Export("memory", ExternalKind.Memory, 0);
        var engine = new Engine.Engine();
        _instance = new Linker(engine).Instantiate(engine.Compile(builder.ToBytes()));
    }

    public static MathModule Shared => s_shared.Value;

    /// <summary><c>f(x)</c> for every x, computed by the generated <paramref name="function"/> at <paramref name="width"/> lanes.</summary>
    public float[] Map(string function, int width, ReadOnlySpan<float> x)
    {
        var run = _instance.GetFunction<Action<int, int, int>>($"{function}_{width}");
        var memory = _instance.GetMemory()!;
        var result = new float[x.Length];
        lock (this)
        {
            for (var start = 0; start < x.Length; start += BatchFloats)
            {
                var count = Math.Min(BatchFloats, x.Length - start);
                var padded = (count + 3) & ~3;
                var input = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(memory.Span[..(BatchFloats * sizeof(float))]);
                input[..padded].Clear();
                x.Slice(start, count).CopyTo(input);
                run(0, BatchFloats * sizeof(float), padded);
                var output = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(memory.Span[(BatchFloats * sizeof(float))..]);
                output[..count].CopyTo(result.AsSpan(start));
            }
        }
        return result;
    }
}
