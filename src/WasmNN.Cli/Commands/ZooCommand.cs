using System.CommandLine;
using Google.Protobuf;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Zoo;
using WasmNN.Onnx.Protos;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn zoo NAME -o model.onnx</c>: writes a standard architecture with seeded random weights, and optionally a
/// seeded random input as .npy, so demos and tests need no downloads.
/// </summary>
internal static class ZooCommand
{
    private static readonly Dictionary<string, Func<int, ModelProto>> s_models = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lenet5"] = ModelZoo.LeNet5,
        ["resnet50"] = ModelZoo.ResNet50,
        ["mobilenetv2"] = ModelZoo.MobileNetV2,
        ["squeezenet"] = ModelZoo.SqueezeNet11,
        ["vgg11"] = ModelZoo.Vgg11,
        ["densenet121"] = ModelZoo.DenseNet121,
        ["googlenet"] = ModelZoo.GoogLeNet,
        ["shufflenetv2"] = ModelZoo.ShuffleNetV2,
        ["efficientnetb0"] = ModelZoo.EfficientNetB0,
        ["transformer"] = ModelZoo.TransformerEncoder,
    };

    public static Command Create()
    {
        var name = new Argument<string>("model") { Description = $"One of: {string.Join(", ", s_models.Keys)}" };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the .onnx file", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed for the random weights", DefaultValueFactory = _ => 0 };
        var sampleInput = new Option<string?>("--sample-input") { Description = "Also write a seeded random input tensor to this .npy file" };
        var command = new Command("zoo", "Write a standard model (seeded random weights) as ONNX") { name, output, seed, sampleInput };
        command.SetAction(r => Run(r.GetValue(name)!, r.GetValue(output)!, r.GetValue(seed), r.GetValue(sampleInput)));
        return command;
    }

    private static int Run(string name, string output, int seed, string? sampleInput)
    {
        if (!s_models.TryGetValue(name, out var build))
        {
            return Report.Error(ExitCodes.Usage, $"unknown zoo model '{name}'; choose one of: {string.Join(", ", s_models.Keys)}");
        }
        if ((CommandLineFiles.CheckOutputFile(output, "model") ?? (sampleInput is null ? null : CommandLineFiles.CheckOutputFile(sampleInput, "sample input", output))) is { } usage)
        {
            return Report.Error(ExitCodes.Usage, usage);
        }
        var model = build(seed);
        try
        {
            AtomicFile.Write(output, stream => model.WriteTo(stream));
            if (sampleInput is not null)
            {
                var input = model.Graph.Input[0];
                int[] shape = [.. input.Type.TensorType.Shape.Dim.Select(d => checked((int)d.DimValue))];
                var random = new Random(seed + 1);
                var data = new float[shape.Aggregate(1, (a, b) => a * b)];
                for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
                Npy.Write(sampleInput, Tensor.FromFloats(shape, data));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Report.Error(ExitCodes.Usage, $"cannot write: {e.Message}");
        }
        Console.WriteLine($"wrote {output} ({new FileInfo(output).Length:N0} bytes)");
        return 0;
    }
}
