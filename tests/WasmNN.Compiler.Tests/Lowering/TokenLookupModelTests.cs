using System.Numerics.Tensors;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// A model with an int64 input (token ids) exported by torch.onnx.export (TestData/export_token_lookup.py): an
/// embedding Gather with run-time indices feeding a Linear (float32 output) and lookups in an int64 and a bool buffer
/// (int64 and bool outputs). Expected values are PyTorch's outputs for the same ids, on our engine and on Node/V8.
/// </summary>
public sealed class TokenLookupModelTests
{
    private static string Data(string fileName) => Path.Combine(AppContext.BaseDirectory, "Lowering", "TestData", fileName);

    private static readonly Lazy<byte[]> s_wasm = new(() => ModelCompiler.Compile(Data("token_lookup.onnx")).Wasm);

    [Fact]
    public void Compile_Int64TokenIds_MetadataKeepsEachDtype()
    {
        using var model = CompiledModel.Load(s_wasm.Value);

        Assert.Equal(["ids int64"], model.Inputs.Select(t => $"{t.Name} {t.DType}"));
        Assert.Equal(["scores float32", "codes int64", "flags bool"], model.Outputs.Select(t => $"{t.Name} {t.DType}"));
    }

    [Fact]
    public void Run_Int64TokenIdsOnOurEngine_MatchesPyTorch()
    {
        var ids = Npy.Read(Data("token_lookup.ids.npy"));
        using var model = CompiledModel.Load(s_wasm.Value);

        model.SetInput(0, Tensor.Create(ids.AsInt64(), [.. ids.Shape.Select(d => (nint)d)]).AsReadOnlyTensorSpan());
        model.Run();

        ModelEndToEndTests.AssertClose("token_lookup scores", Npy.Read(Data("token_lookup.scores.npy")).AsFloat32(), model.GetOutput<float>(0).ToArray());
        Assert.Equal(Npy.Read(Data("token_lookup.codes.npy")).AsInt64(), model.GetOutput<long>(1).ToArray());
        Assert.Equal((bool[])Npy.Read(Data("token_lookup.flags.npy")).Data, model.GetOutput<bool>(2).ToArray());
    }

    [Fact]
    public void Run_Int64TokenIdsOnNode_MatchesPyTorch()
    {
        Assert.True(NodeRunner.IsAvailable, "node is required (scripts/test.sh installs nodejs)");
        var ids = Npy.Read(Data("token_lookup.ids.npy"));

        var outputs = NodeRunner.RunBytes(s_wasm.Value, [ids.AsBytes().ToArray()], 3);

        ModelEndToEndTests.AssertClose("token_lookup scores on node", Npy.Read(Data("token_lookup.scores.npy")).AsFloat32(),
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(outputs[0]).ToArray());
        Assert.Equal(Npy.Read(Data("token_lookup.codes.npy")).AsBytes().ToArray(), outputs[1]);
        Assert.Equal(Npy.Read(Data("token_lookup.flags.npy")).AsBytes().ToArray(), outputs[2]);
    }

    [Fact]
    public void SetInput_FloatsForInt64Input_ThrowsNamingInputAndDtypes()
    {
        using var model = CompiledModel.Load(s_wasm.Value);

        var error = Assert.Throws<ArgumentException>(() => model.SetInput(0, new float[10].AsSpan()));

        Assert.StartsWith("input 'ids' is int64, given float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOutput_WrongElementType_ThrowsNamingOutputAndDtypes()
    {
        using var model = CompiledModel.Load(s_wasm.Value);

        var error = Assert.Throws<ArgumentException>(() => model.GetOutput<float>(2));

        Assert.StartsWith("output 'flags' is bool, given float32", error.Message, StringComparison.Ordinal);
    }
}
