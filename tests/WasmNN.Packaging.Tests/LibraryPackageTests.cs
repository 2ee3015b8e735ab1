using System.Globalization;
using WasmNN.Compiler.IO;

namespace WasmNN.Packaging.Tests;

/// <summary>Console apps that reference the library packages from the local package folder, as `dotnet add package` does.</summary>
public sealed class LibraryPackageTests
{
    [Fact]
    public void RuntimePackage_ConsoleApp_CompilesAndRunsLeNet5LikePyTorch()
    {
        using var sandbox = new PackageSandbox();
        var app = ConsoleApp.Build(sandbox, "CompileAndRun", """
            using System.Globalization;
            using System.Numerics.Tensors;
            using WasmNN.Compiler;
            using WasmNN.Compiler.IO;
            using WasmNN.Runtime;

            ModelCompiler.Compile(args[0]).WriteTo(args[1]);
            using var model = CompiledModel.Load(args[1]);
            var input = Tensor.Create((float[])Npy.Read(args[2]).Data, [1, 1, 28, 28]);
            IReadOnlyList<Tensor<float>> outputs = model.Run([input]);
            Console.WriteLine(string.Join(" ", outputs[0].ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            """, "WasmNN.Runtime");
        Assert.True(sandbox.Extracted("WasmNN.Runtime"), "WasmNN.Runtime did not come from the local package folder");
        // The compiler and the engine arrive as dependencies of the one package the app names.
        Assert.Superset(new HashSet<string> { "wasmnn.compiler", "wasmnn.engine", "wasmnn.onnx", "wasmnn.codegen", "wasmnn.wasm" }, new HashSet<string>(app.ResolvedPackages()));

        var models = Path.Combine(RepositoryPaths.Shared, "models");
        var stdout = app.Run(Path.Combine(models, "lenet5.onnx"), Path.Combine(sandbox.Directory, "lenet5.wasm"), Path.Combine(models, "lenet5.input.npy"));

        var actual = stdout.Trim().Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        ReferenceOutputs.AssertClose((float[])Npy.Read(Path.Combine(models, "lenet5.output.npy")).Data, actual);
    }

    [Fact]
    public void KernelsPackage_ConsoleApp_SoftmaxMatchesDefinition()
    {
        using var sandbox = new PackageSandbox();
        var app = ConsoleApp.Build(sandbox, "Kernels", """
            using System.Globalization;
            using WasmNN.Kernels;

            using var ops = KernelLibrary.Load();
            using var x = ops.FromArray<float>([1f, 2f, 3f, -4f], 1, 4);
            using var y = x.Softmax();
            Console.WriteLine(string.Join(" ", y.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            """, "WasmNN.Kernels");
        Assert.True(sandbox.Extracted("WasmNN.Kernels"), "WasmNN.Kernels did not come from the local package folder");
        Assert.DoesNotContain("wasmnn.compiler", app.ResolvedPackages());

        var actual = app.Run().Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        double[] logits = [1, 2, 3, -4];
        var sum = logits.Sum(Math.Exp);
        Assert.Equal(logits.Length, actual.Length);
        for (int i = 0; i < logits.Length; i++) Assert.Equal(Math.Exp(logits[i]) / sum, actual[i], 1e-6);
    }
}
