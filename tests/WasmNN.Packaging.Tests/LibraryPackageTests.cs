using System.Globalization;
using WasmNN.Compiler.IO;

namespace WasmNN.Packaging.Tests;

/// <summary>
/// One console app that references the library packages (WasmNN.Runtime to compile and run models, WasmNN.Kernels for
/// the kernel library) from the local package folder, as `dotnet add package` does; built once for the class.
/// </summary>
public sealed class LibraryApp : IDisposable
{
    private readonly PackageSandbox _sandbox = new();

    public LibraryApp()
    {
        App = ConsoleApp.Build(_sandbox, "Library", """
            using System.Globalization;
            using System.Numerics.Tensors;
            using WasmNN.Compiler;
            using WasmNN.Compiler.IO;
            using WasmNN.Kernels;
            using WasmNN.Runtime;

            static string Format(IEnumerable<float> values) => string.Join(" ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

            if (args[0] == "model")
            {
                ModelCompiler.Compile(args[1]).WriteTo(args[2]);
                using var model = CompiledModel.Load(args[2]);
                var input = Tensor.Create((float[])Npy.Read(args[3]).Data, [1, 1, 28, 28]);
                IReadOnlyList<Tensor<float>> outputs = model.Run([input]);
                Console.WriteLine(Format(outputs[0].ToArray()));
            }
            else
            {
                using var ops = KernelLibrary.Load();
                using var x = ops.FromArray<float>([1f, 2f, 3f, -4f], 1, 4);
                using var y = x.Softmax();
                Console.WriteLine(Format(y.ToArray()));
            }
            """, "WasmNN.Runtime", "WasmNN.Kernels");
        Resolved = App.ResolvedPackages();
        Extracted = new[] { "WasmNN.Runtime", "WasmNN.Kernels" }.All(_sandbox.Extracted);
    }

    internal ConsoleApp App { get; }

    internal IReadOnlySet<string> Resolved { get; }

    /// <summary>Whether both packages came from the local folder (extracted into the sandbox's own packages folder).</summary>
    internal bool Extracted { get; }

    internal string Directory => _sandbox.Directory;

    public void Dispose() => _sandbox.Dispose();
}

public sealed class LibraryPackageTests(LibraryApp library) : IClassFixture<LibraryApp>
{
    [Fact]
    public void RuntimePackage_ConsoleApp_CompilesAndRunsLeNet5LikePyTorch()
    {
        Assert.True(library.Extracted, "the library packages did not come from the local package folder");
        // The compiler and the engine arrive as dependencies of the one package the app names.
        Assert.Superset(new HashSet<string> { "wasmnn.compiler", "wasmnn.engine", "wasmnn.onnx", "wasmnn.codegen", "wasmnn.wasm" }, new HashSet<string>(library.Resolved));

        var models = Path.Combine(RepositoryPaths.Shared, "models");
        var stdout = library.App.Run("model", Path.Combine(models, "lenet5.onnx"), Path.Combine(library.Directory, "lenet5.wasm"), Path.Combine(models, "lenet5.input.npy"));

        var actual = stdout.Trim().Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        ReferenceOutputs.AssertClose((float[])Npy.Read(Path.Combine(models, "lenet5.output.npy")).Data, actual);
    }

    [Fact]
    public void KernelsPackage_ConsoleApp_SoftmaxMatchesDefinition()
    {
        Assert.True(library.Extracted, "the library packages did not come from the local package folder");

        var actual = library.App.Run("softmax").Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        double[] logits = [1, 2, 3, -4];
        var sum = logits.Sum(Math.Exp);
        Assert.Equal(logits.Length, actual.Length);
        for (int i = 0; i < logits.Length; i++) Assert.Equal(Math.Exp(logits[i]) / sum, actual[i], 1e-6);
    }
}
