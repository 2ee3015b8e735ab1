using System.Buffers.Binary;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// String tensors at the module boundary (docs/ABI.md, "String tensors"): the metadata gives each string buffer's
/// UTF-8 capacity, <c>SetStrings</c>/<c>GetStrings</c> move string[] through the offset table, and what does not
/// fit or is not text is refused with a message naming the input, while offsets a raw host gets wrong never make
/// the kernel read or write outside the buffers.
/// </summary>
public sealed class CompiledModelStringTests
{
    private static byte[] Model(int[] shape, CompileOptions? options = null, params string[] stopwords)
    {
        var g = new Graph("strings", 10);
        var x = new Value("text", DataType.String, shape);
        g.Inputs.Add(x);
        var attributes = stopwords.Length == 0 ? AttributeBag.Empty : new AttributeBag(("stopwords", stopwords));
        g.Outputs.Add(g.AddNode("StringNormalizer", [x], ["words"], attributes).Outputs[0]!);
        return ModelCompiler.Compile(g, options).Wasm;
    }

    [Fact]
    public void Load_StringInput_MetadataGivesTheDefaultCapacity()
    {
        using var model = CompiledModel.Load(Model([3]));

        Assert.Equal("string", model.Inputs[0].DType);
        Assert.Equal(3 * CompileOptions.DefaultStringBytesPerElement, model.Inputs[0].StringBytes);
        Assert.Equal("string", model.Outputs[0].DType);
        Assert.Equal(model.Inputs[0].StringBytes, model.Outputs[0].StringBytes);
    }

    [Fact]
    public void Load_StringBytesOption_SetsTheCapacity()
    {
        using var model = CompiledModel.Load(Model([3], new CompileOptions { StringBytes = new Dictionary<string, int> { ["text"] = 10 } }));

        Assert.Equal(10, model.Inputs[0].StringBytes);
    }

    [Fact]
    public void Compile_StringBytesForAnUnknownInput_NamesTheStringInputs()
    {
        var e = Assert.Throws<ArgumentException>(() => Model([3], new CompileOptions { StringBytes = new Dictionary<string, int> { ["txt"] = 10 } }));

        Assert.Contains("'txt'", e.Message);
        Assert.Contains("text", e.Message);
    }

    [Fact]
    public void SetStrings_MoreBytesThanTheCapacity_ThrowsNamingTheInputAndElement()
    {
        using var model = CompiledModel.Load(Model([2], new CompileOptions { StringBytes = new Dictionary<string, int> { ["text"] = 8 } }));

        var e = Assert.Throws<ArgumentException>(() => model.SetStrings(0, ["héllo", "world"]));

        Assert.Contains("input 'text'", e.Message);
        Assert.Contains("element 1", e.Message);
        Assert.Contains("8 UTF-8 bytes", e.Message);
    }

    [Fact]
    public void SetStrings_LoneSurrogate_ThrowsNamingTheElement()
    {
        using var model = CompiledModel.Load(Model([2]));

        var e = Assert.Throws<ArgumentException>(() => model.SetStrings(0, ["fine", "\uD800"]));

        Assert.Contains("element 1", e.Message);
    }

    [Fact]
    public void SetStrings_WrongCount_Throws()
    {
        using var model = CompiledModel.Load(Model([2]));

        Assert.Throws<ArgumentException>(() => model.SetStrings(0, ["one"]));
    }

    [Fact]
    public void Run_RawOffsetsOutOfRange_StaysInsideTheBuffers()
    {
        // A raw host writes offsets past the capacity and backwards: the kernel clamps them, the output stays UTF-8
        // within its capacity, and the bytes after the output's buffer are untouched.
        using var model = CompiledModel.Load(Model([3], new CompileOptions { StringBytes = new Dictionary<string, int> { ["text"] = 6 } }));
        var input = model.InputBytes(0);
        "abcdef"u8.CopyTo(input[16..]);
        int[] offsets = [0, 1_000_000, -5, 3];
        for (var i = 0; i < offsets.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input[(4 * i)..], offsets[i]);
        }

        model.Run();

        Assert.Equal(["abcdef", "", ""], model.GetStrings(0));
    }

    [Fact]
    public void GetStrings_NumericOutput_Throws()
    {
        var g = new Graph("numbers", 13);
        var x = new Value("x", DataType.Float32, [2]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Relu", [x], ["y"]).Outputs[0]!);
        using var model = CompiledModel.Load(ModelCompiler.Compile(g).Wasm);

        Assert.Throws<ArgumentException>(() => model.GetStrings(0));
    }

    [Fact]
    public void Compile_WasiBuildWithStrings_IsUnsupportedNamingTheInput()
    {
        var g = new Graph("strings", 10);
        var x = new Value("text", DataType.String, [2]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("StringNormalizer", [x], ["words"]).Outputs[0]!);

        var e = Assert.Throws<UnsupportedOperatorException>(() => ModelCompiler.Compile(g, new CompileOptions { Wasi = true }));

        Assert.Contains("input 'text' is a string tensor", e.Message);
    }

    [Fact]
    public void Compile_StringInputToANumericKernel_IsUnsupportedNamingTheNode()
    {
        var g = new Graph("strings", 13);
        var x = new Value("x", DataType.String, [2]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Transpose", [x], ["y"]).Outputs[0]!);

        var e = Assert.Throws<UnsupportedOperatorException>(() => ModelCompiler.Compile(g));

        Assert.Contains("string tensors", e.Message);
    }
}
