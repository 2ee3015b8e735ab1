using System.Numerics.Tensors;
using WasmNN.Compiler;
using WasmNN.Compiler.IO;
using WasmNN.Engine;
using WasmNN.Runtime;

namespace WasmNN.Cli.Tests;

/// <summary>The README's C# samples, kept compiling and running so the front page never lies.</summary>
public sealed class ReadmeSampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wasmnn-readme-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CompiledModelSample_LeNet5_MatchesPyTorch()
    {
        var models = Path.Combine(RepositoryPaths.Shared, "models");
        var wasmPath = Path.Combine(_dir, "lenet5.wasm");

        ModelCompiler.Compile(Path.Combine(models, "lenet5.onnx")).WriteTo(wasmPath);
        using var model = CompiledModel.Load(wasmPath);
        var npy = Npy.Read(Path.Combine(models, "lenet5.input.npy"));
        var input = Tensor.Create((float[])npy.Data, [1, 1, 28, 28]);
        IReadOnlyList<Tensor<float>> outputs = model.Run([input]);

        Assert.Equal("output", model.Outputs[0].Name);
        Assert.Equal([1, 10], outputs[0].Lengths.ToArray());
        var expected = (float[])Npy.Read(Path.Combine(models, "lenet5.output.npy")).Data;
        ReferenceOutputs.AssertClose(expected, outputs[0].ToArray());
    }

    [Fact]
    public void EngineSample_HostImportAndTypedExport_Work()
    {
        var wat = Path.Combine(_dir, "program.wat");
        File.WriteAllText(wat, """
            (module
              (import "env" "log" (func $log (param i32)))
              (memory (export "memory") 1)
              (func (export "add") (param i32 i32) (result i32)
                (call $log (local.get 0))
                (i32.add (local.get 0) (local.get 1))))
            """);
        var program = Path.Combine(_dir, "program.wasm");
        Assert.Equal(0, ProcessRunner.Run("wat2wasm", [wat, "-o", program]).ExitCode);

        var logged = new List<int>();
        var engine = new Engine.Engine();
        var module = engine.CompileFile(program);
        var linker = new Linker(engine);
        linker.DefineFunction("env", "log", (int x) => logged.Add(x));
        var instance = linker.Instantiate(module);
        var add = instance.GetFunction<Func<int, int, int>>("add");
        Assert.Equal(5, add(2, 3));
        Span<byte> memory = instance.GetMemory()!.Span;

        Assert.Equal([2], logged);
        Assert.Equal(65536, memory.Length);
    }
}
