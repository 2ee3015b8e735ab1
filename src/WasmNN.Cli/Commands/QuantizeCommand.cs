using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Spectre.Console;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Quantizer;
using WasmNN.Engine;
using WasmNN.Onnx;
using WasmNN.Runtime;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn quantize MODEL.onnx -o MODEL.int8.onnx --calibration DIR|random:N [--percentile P]</c>: static
/// post-training quantization to QDQ (docs/QUANTIZATION.md), calibrated by running the float model on our engine.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The float32 ONNX model to quantize" };
        var output = new Option<string?>("--output", "-o") { Description = "The quantized .onnx file to write (default: MODEL.int8.onnx)" };
        var calibration = new Option<string>("--calibration")
        {
            Description = "Calibration inputs: a folder of .npy files (one per sample; for several inputs one folder per sample with INPUT.npy), or random:N",
            Required = true,
            HelpName = "DIR|random:N",
        };
        var percentile = new Option<double?>("--percentile")
        {
            Description = "Clip activation ranges to this percentile of the calibration values (e.g. 99.99) instead of min/max",
            HelpName = "P",
        };
        var weightBits = new Option<int>("--weight-bits")
        {
            Description = "7 keeps the int8 weights in [-63, 63] (onnxruntime's reduce_range), which the relaxed-SIMD integer kernel needs (compile --relaxed-simd)",
            DefaultValueFactory = _ => 8,
            HelpName = "7|8",
        };
        var command = new Command("quantize", "Quantize a float32 ONNX model to int8 (QDQ) with calibration") { model, output, calibration, percentile, weightBits };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(output), r.GetValue(calibration)!, r.GetValue(percentile), r.GetValue(weightBits)));
        return command;
    }

    private static int Run(string modelPath, string? outputPath, string calibration, double? percentile, int weightBits)
    {
        outputPath ??= Path.ChangeExtension(modelPath, ".int8.onnx");
        if (weightBits is not (7 or 8))
        {
            return Report.Error(ExitCodes.Usage, $"--weight-bits takes 7 or 8, not {weightBits.ToString(CultureInfo.InvariantCulture)}");
        }
        if (percentile is { } p && (p <= 50 || p > 100 || double.IsNaN(p)))
        {
            return Report.Error(ExitCodes.Usage, $"--percentile takes a value above 50 and at most 100, not {p.ToString(CultureInfo.InvariantCulture)}");
        }
        int? randomCount = null;
        if (calibration.StartsWith("random:", StringComparison.Ordinal))
        {
            if (!int.TryParse(calibration.AsSpan("random:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 10_000)
            {
                return Report.Error(ExitCodes.Usage, $"--calibration {calibration}: random:N takes N from 1 to 10000");
            }
            randomCount = n;
        }
        else if (!Directory.Exists(calibration))
        {
            return Report.Error(ExitCodes.Usage, $"--calibration {calibration}: no such folder (give a folder of .npy inputs or random:N)");
        }
        if ((CommandLineFiles.CheckReadable(modelPath, "model") ?? CommandLineFiles.CheckOutputFile(outputPath, "quantized model", modelPath)) is { } usage)
        {
            return Report.Error(ExitCodes.Usage, usage);
        }

        QuantizationPlan plan;
        try
        {
            plan = QuantizationPlan.Create(OnnxModelLoader.LoadModel(modelPath), Path.GetFileName(modelPath));
        }
        catch (Exception e) when (e is OnnxFormatException or GraphException or UnsupportedOperatorException or OperatorException)
        {
            return Report.Error(ExitCodes.Invalid, e.Message.StartsWith(modelPath, StringComparison.Ordinal) ? e.Message : $"{modelPath}: {e.Message}");
        }
        IReadOnlyList<IReadOnlyDictionary<string, Tensor>> samples;
        try
        {
            samples = randomCount is { } count ? CalibrationSamples.Random(count, plan.Inputs) : CalibrationSamples.FromDirectory(calibration, plan.Inputs);
        }
        catch (Exception e) when (e is ArgumentException or NpyFormatException or IOException or UnauthorizedAccessException)
        {
            return Report.Error(ExitCodes.Usage, $"--calibration: {e.Message}");
        }

        IReadOnlyDictionary<string, (float Min, float Max)> ranges = new Dictionary<string, (float, float)>();
        try
        {
            AnsiConsole.Progress().AutoClear(true).HideCompleted(false).Start(context =>
            {
                var task = context.AddTask($"calibrate ({plan.Activations.Count} activations)", maxValue: samples.Count);
                ranges = Calibration.Run(plan, samples, percentile, new Progress(task));
            });
        }
        catch (ArgumentException e)
        {
            return Report.Error(ExitCodes.Usage, $"--calibration: {e.Message}");
        }
        catch (Exception e) when (e is GraphException or UnsupportedOperatorException or OperatorException or WasmTrapException)
        {
            return Report.Error(ExitCodes.Invalid, $"{modelPath}: calibration run failed: {e.Message}");
        }

        var result = plan.Apply(ranges, weightBits);
        try
        {
            AtomicFile.Write(outputPath, stream => result.Model.WriteTo(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Report.Error(ExitCodes.Usage, $"cannot write {outputPath}: {e.Message}");
        }
        PrintSummary(plan, result, outputPath, samples.Count);
        return ExitCodes.Success;
    }

    private static void PrintSummary(QuantizationPlan plan, QuantizationResult result, string outputPath, int samples)
    {
        var table = new Table().AddColumn("quantized").AddColumn("");
        table.AddRow("model", Markup.Escape(outputPath));
        table.AddRow("calibration", $"{samples} input{(samples == 1 ? "" : "s")}");
        table.AddRow("integer layers", string.Join(", ", plan.Layers.GroupBy(l => l.OpType).Select(g => $"{g.Count()} {g.Key}")) is { Length: > 0 } layers ? layers : "none");
        table.AddRow("fused activations", plan.Layers.Count(l => l.FusedActivation is not null).ToString(CultureInfo.InvariantCulture));
        table.AddRow("uint8 activations", plan.Activations.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("BatchNormalization folded", plan.FoldedBatchNorms.ToString(CultureInfo.InvariantCulture));
        table.AddRow("weights", $"{CompileCommand.Bytes(result.FloatWeightBytes)} float32 -> {CompileCommand.Bytes(result.QuantizedWeightBytes)} int8/int32");
        foreach (var group in plan.FloatNodes.GroupBy(n => (n.OpType, n.Reason)))
        {
            table.AddRow($"float32: {group.Count()} {Markup.Escape(group.Key.OpType)}", Markup.Escape(group.Key.Reason));
        }
        AnsiConsole.Write(table);
    }

    private sealed class Progress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }
}
