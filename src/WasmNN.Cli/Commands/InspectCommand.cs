using System.CommandLine;
using Spectre.Console;
using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;

namespace WasmNN.Cli.Commands;

/// <summary><c>wasmnn inspect MODEL.wasm</c>: a compiled model's inputs, outputs, operators and sizes.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("model") { Description = "A module written by `wasmnn compile`" };
        var command = new Command("inspect", "Show a compiled model's inputs, outputs, operators and sizes") { path };
        command.SetAction(r => Run(r.GetValue(path)!));
        return command;
    }

    private static int Run(string path)
    {
        if (CommandLineFiles.TryReadAllBytes(path, "module", out var error) is not { } bytes)
        {
            return Report.Error(ExitCodes.Usage, error!);
        }
        WasmModule module;
        ModelMetadata metadata;
        long fileBytes = bytes.Length;
        try
        {
            module = ModuleReader.Read(bytes);
            metadata = ModelMetadata.Read(module);
        }
        catch (Exception e) when (e is WasmFormatException or FormatException)
        {
            return Report.Error(ExitCodes.Invalid, $"{path}: {e.Message}");
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(metadata.Model)}[/] ({Markup.Escape(metadata.Compiler)}, metadata format {metadata.Format})");
        var tensors = new Table().AddColumn("kind").AddColumn("index").AddColumn("name").AddColumn("dtype").AddColumn("shape");
        foreach (var (kind, list) in new[] { ("input", metadata.Inputs), ("output", metadata.Outputs) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                tensors.AddRow(kind, i.ToString(), Markup.Escape(list[i].Name), list[i].DType, $"[[{string.Join(", ", list[i].Shape)}]]");
            }
        }
        AnsiConsole.Write(tensors);
        AnsiConsole.MarkupLine($"operators: {Markup.Escape(string.Join(", ", metadata.Operators))}");
        var memory = module.Memories.FirstOrDefault();
        var sizes = new Table().AddColumn("size").AddColumn(new TableColumn("value").RightAligned());
        sizes.AddRow("module", CompileCommand.Bytes(fileBytes));
        sizes.AddRow("code", $"{CompileCommand.Bytes(module.Codes.Sum(c => (long)c.Code.Length))} in {module.Codes.Count} functions");
        sizes.AddRow("weights (data)", $"{CompileCommand.Bytes(module.Data.Sum(d => (long)d.Bytes.Length))} in {module.Data.Count} segments");
        sizes.AddRow("linear memory", memory.Limits.Minimum == 0 ? "none" : CompileCommand.Bytes((long)memory.Limits.Minimum * MemoryType.PageSize));
        sizes.AddRow("imports", module.Imports.Count == 0 ? "none" : Markup.Escape(string.Join(", ", module.Imports.Select(i => $"{i.ModuleName}.{i.Name}"))));
        sizes.AddRow("exports", Markup.Escape(string.Join(", ", module.Exports.Select(e => e.Name))));
        AnsiConsole.Write(sizes);
        return 0;
    }
}
