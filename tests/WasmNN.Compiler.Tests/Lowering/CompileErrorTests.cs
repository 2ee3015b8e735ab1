using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Onnx;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.Lowering;

public sealed class CompileErrorTests
{
    [Fact]
    public void Compile_OperatorWithoutKernel_ThrowsNamingNodeAndOperator()
    {
        // Range has no kernel: it is only ever folded, and one element past the folding limit keeps it a node.
        var graph = new Graph("range", 13);
        var limit = graph.AddConstant("limit", Tensor.FromFloats([], [FoldConstants.MaxFoldedElements + 1]));
        var zero = graph.AddConstant("zero", Tensor.FromFloats([], [0f]));
        var one = graph.AddConstant("one", Tensor.FromFloats([], [1f]));
        graph.Outputs.Add(graph.AddNode("Range", [zero, limit, one], ["y"], name: "my_node").Outputs[0]!);

        var error = Assert.ThrowsAny<Exception>(() => ModelCompiler.Compile(graph));

        Assert.True(error is UnsupportedOperatorException, error.ToString());
        Assert.Contains("Range", error.Message);
        Assert.Contains("my_node", error.Message);
    }

    [Fact]
    public void Compile_KernelRejectsVariant_ThrowsNamingNodeAndReason()
    {
        // Run-time Gather indices are lowered now; a float64 Relu is still a variant the elementwise kernel rejects.
        var graph = new Graph("relu64", 13);
        var x = new Value("x", DataType.Float64, [4, 3]);
        graph.Inputs.Add(x);
        graph.Outputs.Add(graph.AddNode("Relu", [x], ["y"], name: "activation").Outputs[0]!);

        var error = Assert.ThrowsAny<Exception>(() => ModelCompiler.Compile(graph));

        Assert.True(error is UnsupportedOperatorException, error.ToString());
        Assert.Contains("activation", error.Message);
        Assert.Contains("kernels handle float32", error.Message);
    }

    [Fact]
    public void Compile_ResizeScalesComputedAtRunTime_ThrowsNamingNode()
    {
        var graph = new Graph("resize", 13);
        var x = new Value("x", DataType.Float32, [1, 1, 2, 2]);
        var scales = new Value("scales", DataType.Float32, [4]);
        graph.Inputs.AddRange([x, scales]);
        graph.Outputs.Add(graph.AddNode("Resize", [x, null, scales], ["y"], name: "upsample_head").Outputs[0]!);

        var error = Assert.ThrowsAny<Exception>(() => ModelCompiler.Compile(graph));

        Assert.True(error is UnsupportedOperatorException or GraphException, error.ToString());
        Assert.Contains("upsample_head", error.Message);
        Assert.Contains("Resize", error.Message);
    }

    [Fact]
    public void CompileToFile_TruncatedOnnx_ThrowsAndWritesNoFile()
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-errors-");
        try
        {
            var bytes = File.ReadAllBytes(TestPaths.Model("lenet5.onnx"));
            var truncated = Path.Combine(folder.FullName, "truncated.onnx");
            File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
            var output = Path.Combine(folder.FullName, "out.wasm");

            Assert.Throws<OnnxFormatException>(() => ModelCompiler.CompileToFile(truncated, output));

            Assert.Empty(folder.GetFiles("*.wasm*"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void SetInput_WrongShape_ThrowsNamingInput()
    {
        using var model = CompiledModel.Load(ModelCompiler.Compile(TestPaths.Model("lenet5.onnx")).Wasm);
        var wrong = Npy.Read(TestPaths.Model("squeezenet1_1.input.npy"));

        var error = Assert.Throws<ArgumentException>(() => model.SetInput(0, wrong.AsFloat32()));

        Assert.Contains("input 'input'", error.Message);
    }

    [Fact]
    public void Load_CorruptModule_ThrowsFormatError()
    {
        var wasm = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx")).Wasm;

        Assert.Throws<WasmNN.Wasm.WasmFormatException>(() => CompiledModel.Load(wasm[..(wasm.Length - 100)]));
    }

    [Fact]
    public void Compile_Lenet5_MetadataNamesInputsOutputsAndOperators()
    {
        var result = ModelCompiler.Compile(TestPaths.Model("lenet5.onnx"));
        using var model = CompiledModel.Load(result.Wasm);

        Assert.Equal("lenet5", model.Metadata.Model);
        Assert.Equal([1, 1, 28, 28], model.Inputs[0].Shape);
        Assert.Equal("output", model.Outputs[0].Name);
        Assert.Equal(["Conv", "Flatten", "Gemm", "MaxPool", "Relu"], model.Metadata.Operators);
        Assert.Equal(4, result.Statistics.FusedGroups);
    }
}
