namespace WasmNN.Wasm.Tests.Writing;

/// <summary>Structural comparison of two decoded modules (file offsets ignored).</summary>
public static class ModuleComparer
{
    public static string? FirstDifference(WasmModule a, WasmModule b)
    {
        if (!a.Types.SequenceEqual(b.Types)) return "types";
        if (!a.Imports.SequenceEqual(b.Imports)) return "imports";
        if (!a.Functions.SequenceEqual(b.Functions)) return "functions";
        if (!a.Tables.SequenceEqual(b.Tables)) return "tables";
        if (!a.Memories.SequenceEqual(b.Memories)) return "memories";
        if (a.Globals.Count != b.Globals.Count) return "global count";
        for (int i = 0; i < a.Globals.Count; i++)
        {
            if (a.Globals[i].Type != b.Globals[i].Type || !Same(a.Globals[i].Init, b.Globals[i].Init)) return $"global {i}";
        }
        if (!a.Exports.SequenceEqual(b.Exports)) return "exports";
        if (a.Start != b.Start) return "start";
        if (a.Elements.Count != b.Elements.Count) return "element count";
        for (int i = 0; i < a.Elements.Count; i++)
        {
            var (x, y) = (a.Elements[i], b.Elements[i]);
            if (x.Mode != y.Mode || x.ElementType != y.ElementType || x.TableIndex != y.TableIndex || !Same(x.Offset, y.Offset)
                || x.Items.Length != y.Items.Length || x.Items.Zip(y.Items).Any(p => !Same(p.First, p.Second)))
            {
                return $"element {i}";
            }
        }
        if (a.DataCount != b.DataCount) return "data count";
        if (a.Codes.Count != b.Codes.Count) return "code count";
        for (int i = 0; i < a.Codes.Count; i++)
        {
            if (!a.Codes[i].Locals.SequenceEqual(b.Codes[i].Locals) || !a.Codes[i].Code.Span.SequenceEqual(b.Codes[i].Code.Span)) return $"code {i}";
        }
        if (a.Data.Count != b.Data.Count) return "data segment count";
        for (int i = 0; i < a.Data.Count; i++)
        {
            var (x, y) = (a.Data[i], b.Data[i]);
            if (x.Mode != y.Mode || x.MemoryIndex != y.MemoryIndex || !Same(x.Offset, y.Offset) || !x.Bytes.Span.SequenceEqual(y.Bytes.Span)) return $"data {i}";
        }
        if (a.CustomSections.Count != b.CustomSections.Count) return "custom section count";
        for (int i = 0; i < a.CustomSections.Count; i++)
        {
            var (x, y) = (a.CustomSections[i], b.CustomSections[i]);
            if (x.Name != y.Name || x.AfterSectionId != y.AfterSectionId || !x.Content.Span.SequenceEqual(y.Content.Span)) return $"custom section {i}";
        }
        return null;
    }

    private static bool Same(ConstantExpression? x, ConstantExpression? y) =>
        x is null ? y is null : y is not null && x.Code.Span.SequenceEqual(y.Code.Span);
}
