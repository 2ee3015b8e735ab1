using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The float16 and bfloat16 conversions of the Cast kernel, compiled to wasm and run on our engine, bit for bit
/// against numpy (float16) and PyTorch (bfloat16): half_conversions.py writes random and edge-case float32 bit
/// patterns (subnormals, ties, the overflow threshold 65520, NaN, infinities), every float16 bit pattern, and float64
/// values at and beside float16 ties (where rounding through float32 twice would go wrong), with the results those
/// libraries give. NaN only has to stay NaN: numpy keeps payload bits, PyTorch returns one canonical NaN.
/// </summary>
public sealed class CastKernelTests : IClassFixture<CastKernelTests.Expected>
{
    private readonly Expected _expected;

    public CastKernelTests(Expected expected) => _expected = expected;

    [Fact]
    public void Compile_Float32ToFloat16_MatchesNumpyBitForBit() =>
        AssertSameBits(Cast(_expected["f32"], DataType.Float16), _expected["f32_to_f16"]);

    [Fact]
    public void Compile_Float32ToBFloat16_RoundsToNearestEvenAsPyTorch() =>
        AssertSameBits(Cast(_expected["f32"], DataType.BFloat16), Reinterpret(_expected["f32_to_bf16"], DataType.BFloat16));

    [Fact]
    public void Compile_EveryFloat16ToFloat32_MatchesNumpyExactly() =>
        AssertSameBits(Cast(_expected["f16"], DataType.Float32), _expected["f16_to_f32"]);

    [Fact]
    public void Compile_Float64NearFloat16Ties_RoundsOnceAsNumpy() =>
        AssertSameBits(Cast(_expected["f64"], DataType.Float16), _expected["f64_to_f16"]);

    [Fact]
    public void Compile_BFloat16ToFloat32_IsTheUpperHalf()
    {
        // bfloat16 is by definition the upper 16 bits of a float32 (no rounding on the way up).
        var bits = Reinterpret(_expected["f32_to_bf16"], DataType.BFloat16);
        var widened = Cast(bits, DataType.Float32).AsFloat32();

        var raw = Reinterpret(_expected["f32_to_bf16"], DataType.UInt16);
        Assert.Equal([.. Enumerable.Range(0, raw.Length).Select(i => (int)raw.GetInt64(i) << 16)],
            widened.Select(BitConverter.SingleToInt32Bits).ToArray());
    }

    [Fact]
    public void Reference_Float32ToFloat16AndBFloat16_MatchesTheKernel()
    {
        // Constant folding uses the reference Cast: it must round as the kernel does.
        var x = _expected["f32"];
        AssertSameBits(CastOperator.Convert(x, DataType.Float16), _expected["f32_to_f16"]);
        AssertSameBits(CastOperator.Convert(x, DataType.BFloat16), Reinterpret(_expected["f32_to_bf16"], DataType.BFloat16));
        AssertSameBits(CastOperator.Convert(_expected["f64"], DataType.Float16), _expected["f64_to_f16"]);
    }

    private static Tensor Cast(Tensor input, DataType to)
    {
        var g = new Graph("cast", 13);
        var x = new Value("x", input.DataType, input.Shape);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Cast", [x], ["y"], new AttributeBag(("to", (long)OnnxDataTypes.ToOnnx(to)))).Outputs[0]!);
        using var executor = new WasmExecutor();
        return executor.Execute(g, [input])[0];
    }

    private static Tensor Reinterpret(Tensor bits, DataType type)
    {
        var tensor = Tensor.Zeros(type, bits.Shape);
        bits.AsBytes().CopyTo(tensor.AsBytes());
        return tensor;
    }

    /// <summary>Equal bit patterns element by element, except that a NaN only has to meet a NaN.</summary>
    private static void AssertSameBits(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.DataType, actual.DataType);
        Assert.Equal(expected.Length, actual.Length);
        var size = expected.DataType.ByteSize();
        byte[] a = actual.AsBytes().ToArray(), e = expected.AsBytes().ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected.GetDouble(i)) && double.IsNaN(actual.GetDouble(i)))
            {
                continue;
            }
            Assert.True(a.AsSpan(i * size, size).SequenceEqual(e.AsSpan(i * size, size)),
                $"element {i}: got {actual.GetDouble(i)} ({Convert.ToHexString(a, i * size, size)}), expected {expected.GetDouble(i)} ({Convert.ToHexString(e, i * size, size)})");
        }
    }

    /// <summary>Runs half_conversions.py once for the class and reads what it wrote.</summary>
    public sealed class Expected() : PythonReference("Lowering", "TestData", "half_conversions.py");
}
