using System.Diagnostics;
using WasmNN.Compiler.IO;
using WasmNN.Runtime;

namespace WasmNN.Compiler.Tests.RealModels;

/// <summary>
/// Detection post-processing exported by torch.onnx.export (opset 11): torchvision.ops.nms becomes NonMaxSuppression
/// whose [K, 3] output of run-time length flows through Gather/Squeeze into the kept indices, boxes and scores.
/// export_torch_nms.py (Debian's python3-torch and python3-torchvision) writes the model and PyTorch's outputs into a
/// temporary folder; the compiled module, run on our engine, must return the same number of boxes and the same values.
/// </summary>
public sealed class TorchDetectionTests
{
    [Fact]
    public void Compile_TorchNmsPostProcessing_MatchesPyTorch()
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-nms-").FullName;
        try
        {
            Export(folder);
            var compiled = ModelCompiler.Compile(Path.Combine(folder, "nms.onnx"));
            Assert.Contains("NonMaxSuppression", compiled.Metadata.Operators);
            using var model = CompiledModel.Load(compiled.Wasm);
            foreach (var (name, index) in new[] { ("anchors", 0), ("offsets", 1), ("logits", 2) })
            {
                model.SetInput<float>(index, Npy.Read(Path.Combine(folder, $"nms.{name}.npy")).AsFloat32());
            }

            model.Run();

            var keep = Npy.Read(Path.Combine(folder, "nms.keep.npy"));
            Assert.InRange(keep.Length, 2, 63);
            Assert.Equal(keep.Shape, model.OutputShape(0));
            Assert.Equal(keep.AsInt64(), model.GetOutput<long>(0).ToArray());
            AssertClose(Npy.Read(Path.Combine(folder, "nms.kept_boxes.npy")).AsFloat32(), model.GetOutput<float>(1).ToArray());
            AssertClose(Npy.Read(Path.Combine(folder, "nms.kept_scores.npy")).AsFloat32(), model.GetOutput<float>(2).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Export(string folder)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "WasmNN.Compiler.Tests", "RealModels", "export_torch_nms.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, folder]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"export_torch_nms.py failed (python3-torch and python3-torchvision are installed by scripts/test.sh): {errors.Result}");
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"element {i}: ours {actual[i]}, PyTorch {expected[i]}");
        }
    }
}
