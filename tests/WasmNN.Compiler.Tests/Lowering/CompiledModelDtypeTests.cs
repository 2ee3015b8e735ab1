using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The .NET host API with the 16-bit floats and the wider integers: a compiled model's metadata names each dtype,
/// <c>SetInput&lt;T&gt;</c> and <c>GetOutput&lt;T&gt;</c> take Half, BFloat16, short, ushort, uint and ulong, and a wrong T
/// is refused. Expected values are exact by the formats' definitions (small integers and dyadic fractions).
/// </summary>
public sealed class CompiledModelDtypeTests
{
    /// <summary>Max(x, x) for each dtype: one input and one output of each, the values passed through unchanged.</summary>
    private static byte[] IdentityModel(params DataType[] types)
    {
        var g = new Graph("dtypes", 13);
        foreach (var (type, i) in types.Select((t, i) => (t, i)))
        {
            var x = new Value($"x{i}", type, [3]);
            g.Inputs.Add(x);
            g.Outputs.Add(g.AddNode("Max", [x, x], [$"y{i}"]).Outputs[0]!);
        }
        return ModelCompiler.Compile(g).Wasm;
    }

    [Fact]
    public void Load_NewDtypes_MetadataNamesEach()
    {
        using var model = CompiledModel.Load(IdentityModel(DataType.Float16, DataType.BFloat16, DataType.Int16, DataType.UInt16, DataType.UInt32, DataType.UInt64));

        Assert.Equal(["float16", "bfloat16", "int16", "uint16", "uint32", "uint64"], model.Inputs.Select(t => t.DType));
        Assert.Equal(["float16", "bfloat16", "int16", "uint16", "uint32", "uint64"], model.Outputs.Select(t => t.DType));
    }

    [Fact]
    public void Run_TypedInputsAndOutputs_RoundTripEachDtype()
    {
        using var model = CompiledModel.Load(IdentityModel(DataType.Float16, DataType.BFloat16, DataType.Int16, DataType.UInt16, DataType.UInt32, DataType.UInt64));
        Half[] halves = [(Half)1.5, (Half)(-65504), (Half)0.25];
        BFloat16[] brains = [(BFloat16)3.0f, (BFloat16)(-0.5f), (BFloat16)1e30f];
        short[] shorts = [short.MinValue, -1, short.MaxValue];
        ushort[] ushorts = [ushort.MaxValue, 0, 40000];
        uint[] uints = [uint.MaxValue, 0, 1u << 31];
        ulong[] ulongs = [ulong.MaxValue, 0, 1UL << 63];

        model.SetInput<Half>(0, halves);
        model.SetInput<BFloat16>(1, brains);
        model.SetInput<short>(2, shorts);
        model.SetInput<ushort>(3, ushorts);
        model.SetInput<uint>(4, uints);
        model.SetInput<ulong>(5, ulongs);
        model.Run();

        Assert.Equal(halves, model.GetOutput<Half>(0).ToArray());
        Assert.Equal(brains, model.GetOutput<BFloat16>(1).ToArray());
        Assert.Equal(shorts, model.GetOutput<short>(2).ToArray());
        Assert.Equal(ushorts, model.GetOutput<ushort>(3).ToArray());
        Assert.Equal(uints, model.GetOutput<uint>(4).ToArray());
        Assert.Equal(ulongs, model.GetOutput<ulong>(5).ToArray());
    }

    [Fact]
    public void SetInput_WrongElementType_NamesBothDtypes()
    {
        using var model = CompiledModel.Load(IdentityModel(DataType.Float16));

        var error = Assert.Throws<ArgumentException>(() => model.SetInput<ushort>(0, [1, 2, 3]));

        Assert.Contains("input 'x0' is float16, given uint16", error.Message);
    }

    [Fact]
    public void Compile_CastFloat16ToFloat32_GivesTheHalfValues()
    {
        // float16 bit patterns by IEEE 754: 0x3C00 = 1, 0xC000 = -2, 0x0001 = 2^-24 (the smallest subnormal), 0x7BFF = 65504.
        var g = new Graph("cast", 13);
        var x = new Value("x", DataType.Float16, [4]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Cast", [x], ["y"], new AttributeBag(("to", (long)OnnxDataTypes.ToOnnx(DataType.Float32)))).Outputs[0]!);
        using var model = CompiledModel.Load(ModelCompiler.Compile(g).Wasm);

        model.SetInput<Half>(0, [.. new ushort[] { 0x3C00, 0xC000, 0x0001, 0x7BFF }.Select(BitConverter.UInt16BitsToHalf)]);
        model.Run();

        Assert.Equal([1f, -2f, MathF.ScaleB(1, -24), 65504f], model.GetOutput<float>(0).ToArray());
    }
}
