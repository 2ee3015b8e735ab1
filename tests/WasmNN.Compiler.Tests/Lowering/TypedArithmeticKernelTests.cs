using System.Runtime.InteropServices;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// Integer arithmetic, Trilu and Cast kernels compiled to wasm and run on our engine. Div and Mod are checked
/// against Python's and C's rules (literal values from Python's // and %, and C's / and fmod) at the edges where wasm
/// would trap: a zero divisor gives 0 (numpy's result) and INT_MIN / -1 wraps, so a model never traps on its data.
/// </summary>
public sealed class TypedArithmeticKernelTests
{
    private static readonly long[] s_dividends = [7, -7, 7, -7, 6, 5, 0, -128];
    private static readonly long[] s_divisors = [2, 2, -2, -2, 3, 0, 3, -1];

    [Theory]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Int64)]
    [InlineData(DataType.Int8)]
    public void Compile_IntegerDiv_TruncatesAndGivesZeroForAZeroDivisor(DataType type)
    {
        // C: 7/2 = 3, -7/2 = -3, 7/-2 = -3, -7/-2 = 3; int8 -128 / -1 wraps to -128.
        var y = Run("Div", type, s_dividends, s_divisors);

        Assert.Equal([3, -3, -3, 3, 2, 0, 0, type == DataType.Int8 ? -128 : 128], y);
    }

    [Theory]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Int64)]
    [InlineData(DataType.Int8)]
    public void Compile_IntegerMod_TakesTheDivisorsSign(DataType type)
    {
        // Python: 7 % 2 = 1, -7 % 2 = 1, 7 % -2 = -1, -7 % -2 = -1.
        var y = Run("Mod", type, s_dividends, s_divisors);

        Assert.Equal([1, 1, -1, -1, 0, 0, 0, 0], y);
    }

    [Theory]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Int64)]
    public void Compile_IntegerFmod_TakesTheDividendsSign(DataType type)
    {
        // C fmod: fmod(7, 2) = 1, fmod(-7, 2) = -1, fmod(7, -2) = 1, fmod(-7, -2) = -1.
        var y = Run("Mod", type, s_dividends, s_divisors, ("fmod", 1L));

        Assert.Equal([1, -1, 1, -1, 0, 0, 0, 0], y);
    }

    [Fact]
    public void Compile_Int32MinDividedByMinusOne_WrapsInsteadOfTrapping()
    {
        var y = Run("Div", DataType.Int32, [int.MinValue, int.MinValue], [-1, 1]);

        Assert.Equal([int.MinValue, int.MinValue], y);
    }

    [Theory]
    [InlineData("Add", DataType.UInt8, new long[] { 250, 1, 9 }, new long[] { 10, 2, 200 }, new long[] { 4, 3, 209 })]
    [InlineData("Sub", DataType.UInt8, new long[] { 1, 5, 9 }, new long[] { 2, 2, 0 }, new long[] { 255, 3, 9 })]
    [InlineData("Mul", DataType.Int8, new long[] { 100, -3, 7 }, new long[] { 2, 5, -1 }, new long[] { -56, -15, -7 })]
    [InlineData("Max", DataType.Int64, new long[] { long.MinValue, -1, 9 }, new long[] { 0, -2, 9 }, new long[] { 0, -1, 9 })]
    [InlineData("Min", DataType.UInt8, new long[] { 200, 1, 9 }, new long[] { 100, 2, 255 }, new long[] { 100, 1, 9 })]
    public void Compile_IntegerBinary_WrapsToTheElementType(string opType, DataType type, long[] a, long[] b, long[] expected)
    {
        Assert.Equal(expected, Run(opType, type, a, b));
    }

    [Theory]
    [InlineData("Neg", DataType.Int32, new long[] { 5, -7, int.MinValue }, new long[] { -5, 7, int.MinValue })]
    [InlineData("Abs", DataType.Int8, new long[] { -5, 7, -128 }, new long[] { 5, 7, -128 })]
    [InlineData("Abs", DataType.Int64, new long[] { -5, 0, long.MinValue }, new long[] { 5, 0, long.MinValue })]
    public void Compile_IntegerUnary_MatchesTwosComplement(string opType, DataType type, long[] x, long[] expected)
    {
        Assert.Equal(expected, Run(opType, type, x));
    }

    [Theory]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Int64)]
    public void Compile_IntegerPow_IsExactAndTruncatesNegativeExponents(DataType type)
    {
        // Python: 2**10, 3**3, (-2)**3, 0**0; 1/1**5 = 1, 1/(-1)**3 = -1, 1/(-1)**4 = 1, int(1/5) = 0.
        var y = Run("Pow", type, [2, 3, -2, 0, 1, -1, -1, 5], [10, 3, 3, 0, -5, -3, -4, -1]);

        Assert.Equal([1024, 27, -8, 1, 1, -1, 1, 0], y);
    }

    [Fact]
    public void Compile_Int64PowPastTheRange_WrapsLikeNumpy()
    {
        // numpy: np.int64(3) ** 40 == -6289078614652622815 (3^40 mod 2^64).
        Assert.Equal([-6289078614652622815L], Run("Pow", DataType.Int64, [3], [40]));
    }

    [Fact]
    public void Compile_Float32PowByInt64Exponent_MatchesMathPow()
    {
        float[] bases = [1.5f, -2f, 10f, 2f, 0.1f];
        long[] exponents = [3, 3, -2, 0, 7];
        var g = new Graph("pow", 15);
        Value x = new("x", DataType.Float32, [5]), n = new("n", DataType.Int64, [5]);
        g.Inputs.AddRange([x, n]);
        g.Outputs.Add(g.AddNode("Pow", [x, n], ["y"]).Outputs[0]!);

        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [Tensor.FromFloats([5], bases), Integers(DataType.Int64, exponents)])[0].AsFloat32();

        Assert.Equal([.. bases.Select((b, i) => (float)Math.Pow(b, exponents[i]))], y);
    }

    [Theory]
    [InlineData(DataType.Int64)]
    [InlineData(DataType.Int32)]
    public void Compile_IntegerPowByFloat32Exponent_TruncatesTheDoublePower(DataType type)
    {
        // numpy: np.power(x.astype(float64), y).astype(int64) = [729, 1, 0, -8, 8, 0] (3^6 exact, not 728.99...).
        var g = new Graph("pow", 15);
        Value x = new("x", type, [6]), y = new("y", DataType.Float32, [6]);
        g.Inputs.AddRange([x, y]);
        g.Outputs.Add(g.AddNode("Pow", [x, y], ["z"]).Outputs[0]!);

        using var executor = new WasmExecutor();
        var z = executor.Execute(g, [Integers(type, [3, 2, 7, -2, 4, 10]), Tensor.FromFloats([6], [6, 0.5f, -1, 3, 1.5f, -0.5f])])[0];

        Assert.Equal(type, z.DataType);
        Assert.Equal([729, 1, 0, -8, 8, 0], z.ToInt64Array());
    }

    [Fact]
    public void Compile_Int8ClipWithMaxOnly_ClampsFromAbove()
    {
        var g = new Graph("clip", 13);
        var x = new Value("x", DataType.Int8, [4]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Clip", [x, null, g.AddConstant("max", Integers(DataType.Int8, [50]).Reshape([]))], ["y"]).Outputs[0]!);

        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [Integers(DataType.Int8, [-128, 5, 100, 127])])[0].ToInt64Array();

        Assert.Equal([-128, 5, 50, 50], y);
    }

    [Theory]
    [InlineData(DataType.Float32)]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Bool)]
    public void Compile_TriluBatchedLower_MatchesTheReference(DataType type)
    {
        var g = new Graph("trilu", 14);
        var x = new Value("x", type, [2, 3, 4]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Trilu", [x, g.AddConstant("k", Tensor.FromInt64s([], [1]))], ["y"], new AttributeBag(("upper", 0L))).Outputs[0]!);
        var input = Tensor.FromDoubles(type, [2, 3, 4], [.. Enumerable.Range(1, 24).Select(i => (double)(i % 5))]);

        using var executor = new WasmExecutor();
        var actual = executor.Execute(g, [input])[0];

        // Row r of each matrix keeps columns 0..r+1.
        double[] expected = [.. Enumerable.Range(0, 24).Select(i => i % 4 <= i / 4 % 3 + 1 ? input.GetDouble(i) : 0)];
        Assert.Equal(expected, actual.ToDoubleArray());
    }

    [Fact]
    public void Compile_IntegerDivModAndTriluOnNode_MatchTheSameRules()
    {
        // V8 is an independent engine: the module must not trap there either, and give the same values.
        Assert.True(NodeRunner.IsAvailable, "node is required (scripts/test.sh installs nodejs)");
        var g = new Graph("typed", 14);
        Value a = new("a", DataType.Int32, [8]), b = new("b", DataType.Int32, [8]), m = new("m", DataType.Int64, [2, 3, 4]);
        g.Inputs.AddRange([a, b, m]);
        g.Outputs.Add(g.AddNode("Div", [a, b], ["quotient"]).Outputs[0]!);
        g.Outputs.Add(g.AddNode("Mod", [a, b], ["remainder"]).Outputs[0]!);
        g.Outputs.Add(g.AddNode("Trilu", [m, g.AddConstant("k", Tensor.FromInt64s([], [-1]))], ["upper"]).Outputs[0]!);
        long[] matrix = [.. Enumerable.Range(1, 24).Select(i => (long)i)];

        var outputs = NodeRunner.RunBytes(ModelCompiler.Compile(g).Wasm,
            [Integers(DataType.Int32, s_dividends).AsBytes().ToArray(), Integers(DataType.Int32, s_divisors).AsBytes().ToArray(),
             Integers(DataType.Int64, matrix).AsBytes().ToArray()], 3);

        Assert.Equal([3, -3, -3, 3, 2, 0, 0, 128], MemoryMarshal.Cast<byte, int>(outputs[0]).ToArray());
        Assert.Equal([1, 1, -1, -1, 0, 0, 0, 0], MemoryMarshal.Cast<byte, int>(outputs[1]).ToArray());
        // Upper with k = -1: row r keeps columns r-1 and up.
        Assert.Equal([.. matrix.Select((v, i) => i % 4 >= i / 4 % 3 - 1 ? v : 0)], MemoryMarshal.Cast<byte, long>(outputs[2]).ToArray());
    }

    public static TheoryData<DataType, DataType> CastPairs()
    {
        DataType[] types = [.. DataTypes.Numeric];
        var data = new TheoryData<DataType, DataType>();
        foreach (var from in types)
        {
            foreach (var to in types)
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CastPairs))]
    public void Compile_CastBetweenEveryPair_MatchesTheReference(DataType from, DataType to)
    {
        double[] values = [0, 1, -1, 2.75, -2.75, 127, 128, 255, 256, -129, 70000.5, -3e9, 1e12];
        var input = Tensor.FromDoubles(from, [values.Length], values);
        var g = new Graph("cast", 13);
        var x = new Value("x", from, [values.Length]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Cast", [x], ["y"], new AttributeBag(("to", (long)OnnxDataTypes.ToOnnx(to)))).Outputs[0]!);

        var expected = new ReferenceExecutor().Execute(g, [input])[0];
        using var executor = new WasmExecutor();
        var actual = executor.Execute(g, [input])[0];

        Assert.Equal(to, actual.DataType);
        Assert.Equal(expected.ToDoubleArray(), actual.ToDoubleArray());
    }

    [Theory]
    [InlineData(DataType.Float32, DataType.Int8, new[] { 2.75, -2.75, 127.9, -128.9, 0.5 }, new[] { 2.0, -2, 127, -128, 0 })]
    [InlineData(DataType.Float64, DataType.UInt8, new[] { 0.5, 255.9, 7.99, 1, 0 }, new[] { 0.0, 255, 7, 1, 0 })]
    [InlineData(DataType.Float32, DataType.Bool, new[] { 0.0, -0.0, double.NaN, 1e-30, -3 }, new[] { 0.0, 0, 1, 1, 1 })]
    [InlineData(DataType.Int64, DataType.Int8, new[] { 127.0, 128, 255, 256, -129 }, new[] { 127.0, -128, -1, 0, 127 })]
    [InlineData(DataType.Int32, DataType.UInt8, new[] { -1.0, 256, 300, 65, 0 }, new[] { 255.0, 0, 44, 65, 0 })]
    [InlineData(DataType.UInt8, DataType.Float32, new[] { 255.0, 128, 1, 0, 200 }, new[] { 255.0, 128, 1, 0, 200 })]
    public void Compile_CastInRangeValues_MatchesNumpyAstype(DataType from, DataType to, double[] values, double[] expected)
    {
        // Expected: numpy's np.array(values, from).astype(to) (in-range floats truncate; integers keep their low bits).
        var g = new Graph("cast", 13);
        var x = new Value("x", from, [values.Length]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Cast", [x], ["y"], new AttributeBag(("to", (long)OnnxDataTypes.ToOnnx(to)))).Outputs[0]!);
        var input = Tensor.FromDoubles(from, [values.Length], values);

        using var executor = new WasmExecutor();
        var actual = executor.Execute(g, [input])[0];

        Assert.Equal(expected, actual.ToDoubleArray());
    }

    // Expected values: numpy 1.x, e.g. np.array([2**64 - 1, ...], np.uint64) // np.array([2, ...], np.uint64); a zero divisor gives 0 as in numpy.
    [Theory]
    [InlineData("Div", new ulong[] { ulong.MaxValue, 1UL << 63, 7, 0, 5 }, new ulong[] { 2, 3, 0, 9, (1UL << 63) + 1 }, new ulong[] { 9223372036854775807, 3074457345618258602, 0, 0, 0 })]
    [InlineData("Mod", new ulong[] { ulong.MaxValue, 1UL << 63, 7, 0, 5 }, new ulong[] { 2, 3, 0, 9, (1UL << 63) + 1 }, new ulong[] { 1, 2, 0, 0, 5 })]
    [InlineData("Max", new ulong[] { ulong.MaxValue, 1UL << 63, 7, 0, 5 }, new ulong[] { 2, 3, 0, 9, (1UL << 63) + 1 }, new ulong[] { ulong.MaxValue, 1UL << 63, 7, 9, (1UL << 63) + 1 })]
    [InlineData("Min", new ulong[] { ulong.MaxValue, 1UL << 63, 7, 0, 5 }, new ulong[] { 2, 3, 0, 9, (1UL << 63) + 1 }, new ulong[] { 2, 3, 0, 0, 5 })]
    [InlineData("Greater", new ulong[] { ulong.MaxValue, 1UL << 63, 7, 0, 5 }, new ulong[] { 2, 3, 0, 9, (1UL << 63) + 1 }, new ulong[] { 1, 1, 1, 0, 0 })]
    public void Compile_UInt64Arithmetic_IsUnsignedAsNumpy(string opType, ulong[] a, ulong[] b, ulong[] expected)
    {
        static long[] Bits(ulong[] values) => [.. values.Select(v => unchecked((long)v))];

        Assert.Equal(Bits(expected), Run(opType, DataType.UInt64, Bits(a), Bits(b)));
    }

    [Theory]
    [InlineData("Div", DataType.UInt32, new long[] { 4294967295, 2147483648, 7, 0 }, new long[] { 2, 3, 5, 9 }, new long[] { 2147483647, 715827882, 1, 0 })]
    [InlineData("Mod", DataType.UInt32, new long[] { 4294967295, 2147483648, 7, 0 }, new long[] { 2, 3, 5, 9 }, new long[] { 1, 2, 2, 0 })]
    [InlineData("Max", DataType.UInt32, new long[] { 4294967295, 2147483648, 7, 0 }, new long[] { 2, 3, 5, 9 }, new long[] { 4294967295, 2147483648, 7, 9 })]
    [InlineData("Add", DataType.UInt32, new long[] { 4294967295, 2147483648, 7, 0 }, new long[] { 2, 3, 5, 9 }, new long[] { 1, 2147483651, 12, 9 })]
    [InlineData("Mul", DataType.UInt32, new long[] { 4294967295, 2147483648, 7, 0 }, new long[] { 2, 3, 5, 9 }, new long[] { 4294967294, 2147483648, 35, 0 })]
    [InlineData("Sub", DataType.UInt32, new long[] { 4294967295, 2147483648, 7, 0 }, new long[] { 2, 3, 5, 9 }, new long[] { 4294967293, 2147483645, 2, 4294967287 })]
    [InlineData("Add", DataType.Int16, new long[] { -32768, 32767, -7, 300 }, new long[] { -1, 2, 2, -7 }, new long[] { 32767, -32767, -5, 293 })]
    [InlineData("Mul", DataType.Int16, new long[] { -32768, 32767, -7, 300 }, new long[] { -1, 2, 2, -7 }, new long[] { -32768, -2, -14, -2100 })]
    [InlineData("Mod", DataType.Int16, new long[] { -32768, 32767, -7, 300 }, new long[] { -1, 2, 2, -7 }, new long[] { 0, 1, 1, -1 })]
    [InlineData("Max", DataType.Int16, new long[] { -32768, 32767, -7, 300 }, new long[] { -1, 2, 2, -7 }, new long[] { -1, 32767, 2, 300 })]
    [InlineData("Add", DataType.UInt16, new long[] { 65535, 40000, 7, 1 }, new long[] { 1, 30000, 2, 3 }, new long[] { 0, 4464, 9, 4 })]
    [InlineData("Mul", DataType.UInt16, new long[] { 65535, 40000, 7, 1 }, new long[] { 1, 30000, 2, 3 }, new long[] { 65535, 35840, 14, 3 })]
    [InlineData("Mod", DataType.UInt16, new long[] { 65535, 40000, 7, 1 }, new long[] { 1, 30000, 2, 3 }, new long[] { 0, 10000, 1, 1 })]
    [InlineData("Sub", DataType.UInt16, new long[] { 65535, 40000, 7, 1 }, new long[] { 1, 30000, 2, 3 }, new long[] { 65534, 10000, 5, 65534 })]
    [InlineData("Min", DataType.UInt16, new long[] { 65535, 40000, 7, 1 }, new long[] { 1, 30000, 2, 3 }, new long[] { 1, 30000, 2, 1 })]
    public void Compile_16And32BitIntegers_WrapAsNumpy(string opType, DataType type, long[] a, long[] b, long[] expected)
    {
        // Expected: numpy, e.g. np.array([65535, 40000, 7, 1], np.uint16) * np.array([1, 30000, 2, 3], np.uint16).
        Assert.Equal(expected, Run(opType, type, a, b));
    }

    [Theory]
    [InlineData("Add", 0L, new ushort[] { 16486, 16128, 31743, 13926 })]
    [InlineData("Mul", 0L, new ushort[] { 15412, 51328, 31744, 10158 })]
    [InlineData("Div", 0L, new ushort[] { 16457, 47232, 30719, 13653 })]
    [InlineData("Mod", 0L, new ushort[] { 11872, 16128, 0, 11878 })]
    [InlineData("Mod", 1L, new ushort[] { 11872, 49280, 0, 11878 })]
    public void Compile_Float16Arithmetic_RoundsOnceAsNumpy(string opType, long fmod, ushort[] expectedBits)
    {
        // Expected: (np.array([1.5, -2.25, 65504, 0.1], np.float16) OP np.array([0.7, 4, 2, 0.3], np.float16)).view(np.uint16)
        // (Mod: np.mod, fmod = 1: np.fmod); 65504 * 2 overflows to infinity, 65504 + 2 rounds back to 65504.
        var g = new Graph(opType, 13);
        Value a = new("a", DataType.Float16, [4]), b = new("b", DataType.Float16, [4]);
        g.Inputs.AddRange([a, b]);
        var attributes = opType == "Mod" ? new AttributeBag(("fmod", fmod)) : new AttributeBag();
        g.Outputs.Add(g.AddNode(opType, [a, b], ["y"], attributes).Outputs[0]!);

        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [Tensor.FromDoubles(DataType.Float16, [4], [1.5, -2.25, 65504, 0.1]), Tensor.FromDoubles(DataType.Float16, [4], [0.7, 4, 2, 0.3])])[0];

        Assert.Equal(DataType.Float16, y.DataType);
        Assert.Equal(expectedBits, ((Half[])y.Data).Select(BitConverter.HalfToUInt16Bits).ToArray());
    }

    private static Tensor Integers(DataType type, long[] values)
    {
        var tensor = Tensor.Zeros(type, [values.Length]);
        for (var i = 0; i < values.Length; i++)
        {
            tensor.SetInt64(i, values[i]);
        }
        return tensor;
    }

    private static long[] Run(string opType, DataType type, long[] a, long[]? b = null, params (string Name, object Value)[] attributes)
    {
        var g = new Graph(opType, 13);
        Tensor[] inputs = [.. new[] { a, b }.OfType<long[]>().Select(values => Integers(type, values))];
        var values = inputs.Select((t, i) => new Value($"x{i}", type, t.Shape)).ToArray();
        g.Inputs.AddRange(values);
        g.Outputs.Add(g.AddNode(opType, values, ["y"], new AttributeBag(attributes)).Outputs[0]!);
        using var executor = new WasmExecutor();
        return executor.Execute(g, inputs)[0].ToInt64Array();
    }
}
