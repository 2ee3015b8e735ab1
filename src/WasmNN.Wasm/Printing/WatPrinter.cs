using System.Globalization;
using System.Text;

namespace WasmNN.Wasm.Printing;

/// <summary>
/// Prints a module as WebAssembly text for debugging and golden tests: every section, function bodies in flat form
/// indented by block depth, names from the <c>name</c> section as <c>$name</c>. Mnemonics come from the opcode table.
/// </summary>
public static partial class WatPrinter
{
    /// <summary>The text of <paramref name="module"/>.</summary>
    public static string Print(WasmModule module)
    {
        var text = new StringBuilder();
        text.Append("(module");
        if (module.Names.ModuleName is { } moduleName) text.Append(" $").Append(moduleName);
        text.Append('\n');
        for (int i = 0; i < module.Types.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  (type (;{i};) (func{Signature(module.Types[i])}))\n");
        }
        uint functionIndex = 0, tableIndex = 0, memoryIndex = 0, globalIndex = 0;
        foreach (var import in module.Imports)
        {
            text.Append(CultureInfo.InvariantCulture, $"  (import \"{Escape(import.ModuleName)}\" \"{Escape(import.Name)}\" ");
            text.Append(import.Kind switch
            {
                ExternalKind.Function => $"(func{FunctionName(module, functionIndex++)} (type {import.TypeIndex}))",
                ExternalKind.Table => $"(table (;{tableIndex++};) {Limits(import.Table.Limits)} {import.Table.ElementType.ToWat()})",
                ExternalKind.Memory => $"(memory (;{memoryIndex++};) {Limits(import.Memory.Limits)})",
                _ => $"(global (;{globalIndex++};) {GlobalType(import.Global)})",
            });
            text.Append(")\n");
        }
        for (int i = 0; i < module.Codes.Count; i++, functionIndex++)
        {
            PrintFunction(text, module, functionIndex, module.Functions[i], module.Codes[i]);
        }
        foreach (var table in module.Tables)
        {
            text.Append(CultureInfo.InvariantCulture, $"  (table (;{tableIndex++};) {Limits(table.Limits)} {table.ElementType.ToWat()})\n");
        }
        foreach (var memory in module.Memories) text.Append(CultureInfo.InvariantCulture, $"  (memory (;{memoryIndex++};) {Limits(memory.Limits)})\n");
        foreach (var global in module.Globals)
        {
            text.Append(CultureInfo.InvariantCulture, $"  (global (;{globalIndex++};) {GlobalType(global.Type)} {Expression(global.Init)})\n");
        }
        foreach (var export in module.Exports)
        {
            text.Append(CultureInfo.InvariantCulture, $"  (export \"{Escape(export.Name)}\" ({KindKeyword(export.Kind)} {export.Index}))\n");
        }
        if (module.Start is { } start) text.Append(CultureInfo.InvariantCulture, $"  (start {start})\n");
        for (int i = 0; i < module.Elements.Count; i++) PrintElement(text, module.Elements[i], i);
        for (int i = 0; i < module.Data.Count; i++) PrintData(text, module.Data[i], i);
        foreach (var custom in module.CustomSections)
        {
            text.Append(CultureInfo.InvariantCulture, $"  ;; custom section \"{Escape(custom.Name)}\", {custom.Content.Length} bytes\n");
        }
        text.Append(")\n");
        return text.ToString();
    }

    private static void PrintElement(StringBuilder text, ElementSegment segment, int index)
    {
        text.Append(CultureInfo.InvariantCulture, $"  (elem (;{index};)");
        if (segment.Mode == SegmentMode.Declarative) text.Append(" declare");
        if (segment.Mode == SegmentMode.Active)
        {
            text.Append(CultureInfo.InvariantCulture, $" (table {segment.TableIndex}) (offset {Expression(segment.Offset!)})");
        }
        text.Append(' ').Append(segment.ElementType.ToWat());
        foreach (var item in segment.Items) text.Append(" (item ").Append(Expression(item)).Append(')');
        text.Append(")\n");
    }

    private static void PrintData(StringBuilder text, DataSegment segment, int index)
    {
        text.Append(CultureInfo.InvariantCulture, $"  (data (;{index};)");
        if (segment.Mode == SegmentMode.Active)
        {
            text.Append(CultureInfo.InvariantCulture, $" (memory {segment.MemoryIndex}) (offset {Expression(segment.Offset!)})");
        }
        text.Append(" \"");
        foreach (byte b in segment.Bytes.Span)
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\') text.Append((char)b);
            else text.Append(CultureInfo.InvariantCulture, $"\\{b:x2}");
        }
        text.Append("\")\n");
    }

    private static string Signature(FuncType type)
    {
        var text = new StringBuilder();
        if (type.Parameters.Length > 0) text.Append(" (param ").AppendJoin(' ', type.Parameters.Select(p => p.ToWat())).Append(')');
        if (type.Results.Length > 0) text.Append(" (result ").AppendJoin(' ', type.Results.Select(p => p.ToWat())).Append(')');
        return text.ToString();
    }

    private static string FunctionName(WasmModule module, uint index) =>
        module.Names.Functions.TryGetValue(index, out var name) ? $" ${name}" : $" (;{index};)";

    private static string Limits(Limits limits) =>
        (limits.Maximum is { } max ? $"{limits.Minimum} {max}" : $"{limits.Minimum}") + (limits.Shared ? " shared" : "");

    private static string GlobalType(GlobalType type) => type.Mutable ? $"(mut {type.ValueType.ToWat()})" : type.ValueType.ToWat();

    private static string KindKeyword(ExternalKind kind) => kind switch
    {
        ExternalKind.Function => "func",
        ExternalKind.Table => "table",
        ExternalKind.Memory => "memory",
        _ => "global",
    };

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
