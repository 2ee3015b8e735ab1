using System.Runtime.InteropServices;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.Tests.Lowering;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.RealModels;

/// <summary>
/// The transformers of issue #9, exported by torch.onnx.export (opset 14, dynamic batch and seq) by export_torch.py,
/// which scripts/fetch-real-models.sh runs into .cache/torch-models: a BERT-style encoder (int64 input_ids and a
/// padded int64 attention_mask) and a GPT-style decoder (causal mask by Trilu and Where, GELU, tied LM head). Each is
/// compiled with --dim batch=1 --dim seq=N for two lengths and run on our engine and on Node's V8; PyTorch's outputs
/// are the reference, within 1e-4 relative plus 1e-5 absolute.
/// </summary>
public sealed class TorchTransformerTests
{
    private static string Cache => Path.Combine(RepositoryPaths.Root, ".cache", "torch-models");

    public static TheoryData<string, int> Cases => new() { { "bert_style", 7 }, { "bert_style", 16 }, { "gpt_style", 7 }, { "gpt_style", 16 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_TorchTransformerOnOurEngine_MatchesPyTorch(string model, int seq)
    {
        var (compiled, inputs) = Compile(model, seq);
        using var engine = CompiledModel.Load(compiled.Wasm);
        for (var i = 0; i < inputs.Count; i++)
        {
            engine.SetInput(i, System.Numerics.Tensors.Tensor.Create(inputs[i].AsInt64(), [1, seq]).AsReadOnlyTensorSpan());
        }
        engine.Run();

        AssertMatchesPyTorch(model, seq, engine.GetOutput<float>(0).ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_TorchTransformerOnNode_MatchesPyTorch(string model, int seq)
    {
        Assert.True(NodeRunner.IsAvailable, "node is required (scripts/test.sh installs nodejs)");
        var (compiled, inputs) = Compile(model, seq);

        var outputs = NodeRunner.RunBytes(compiled.Wasm, [.. inputs.Select(t => t.AsBytes().ToArray())], 1);

        AssertMatchesPyTorch(model, seq, MemoryMarshal.Cast<byte, float>(outputs[0]).ToArray());
    }

    [Fact]
    public void Compile_GptStyle_FoldsTheConstantCausalMask()
    {
        // torch.triu(torch.ones(seq, seq)) depends only on seq, fixed by --dim: FoldConstants evaluates the Trilu.
        var (compiled, _) = Compile("gpt_style", 7);

        Assert.DoesNotContain("Trilu", compiled.Metadata.Operators);
        Assert.Contains("Where", compiled.Metadata.Operators);
    }

    private static (CompilationResult Compiled, List<WasmNN.Compiler.IR.Tensor> Inputs) Compile(string model, int seq)
    {
        var path = Path.Combine(Cache, $"{model}.onnx");
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/fetch-real-models.sh");
        var compiled = ModelCompiler.Compile(path, new CompileOptions { Dimensions = new Dictionary<string, int> { ["batch"] = 1, ["seq"] = seq } });
        string[] names = model == "bert_style" ? ["input_ids", "attention_mask"] : ["input_ids"];
        return (compiled, [.. names.Select(name => Npy.Read(Path.Combine(Cache, $"{model}.s{seq}.{name}.npy")))]);
    }

    private static void AssertMatchesPyTorch(string model, int seq, float[] actual)
    {
        var expected = Npy.Read(Path.Combine(Cache, $"{model}.s{seq}.output.npy")).AsFloat32();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = 1e-4 * Math.Abs(expected[i]) + 1e-5;
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"{model} seq {seq} element {i}: ours {actual[i]}, PyTorch {expected[i]}");
        }
    }
}
