namespace WasmNN.Wasm.Writing;

public static partial class ModuleWriter
{
    private static void WriteValueTypes(ByteWriter w, ReadOnlySpan<ValueType> types)
    {
        w.WriteVarU32((uint)types.Length);
        foreach (var t in types) w.WriteByte((byte)t);
    }

    private static void WriteLimits(ByteWriter w, Limits limits)
    {
        w.WriteByte((byte)((limits.Maximum is null ? 0 : 1) | (limits.Shared ? 2 : 0)));
        w.WriteVarU32(limits.Minimum);
        if (limits.Maximum is { } max) w.WriteVarU32(max);
    }

    private static void WriteTableType(ByteWriter w, TableType table)
    {
        w.WriteByte((byte)table.ElementType);
        WriteLimits(w, table.Limits);
    }

    private static void WriteGlobalType(ByteWriter w, GlobalType global)
    {
        w.WriteByte((byte)global.ValueType);
        w.WriteByte(global.Mutable ? (byte)1 : (byte)0);
    }

    private static void WriteImport(ByteWriter w, Import import)
    {
        w.WriteName(import.ModuleName);
        w.WriteName(import.Name);
        w.WriteByte((byte)import.Kind);
        switch (import.Kind)
        {
            case ExternalKind.Function: w.WriteVarU32(import.TypeIndex); break;
            case ExternalKind.Table: WriteTableType(w, import.Table); break;
            case ExternalKind.Memory: WriteLimits(w, import.Memory.Limits); break;
            case ExternalKind.Global: WriteGlobalType(w, import.Global); break;
        }
    }

    /// <summary>Picks the element-segment encoding (flags 0-7) that states the segment most compactly.</summary>
    private static void WriteElementSegment(ByteWriter w, ElementSegment segment)
    {
        bool indices = segment.FunctionIndices.Length == segment.Items.Length && segment.ElementType == ValueType.FuncRef;
        uint flags = segment.Mode switch
        {
            SegmentMode.Active => segment.TableIndex == 0 && segment.ElementType == ValueType.FuncRef ? 0u : 2u,
            SegmentMode.Passive => 1u,
            _ => 3u,
        };
        if (!indices) flags |= 4;
        w.WriteVarU32(flags);
        if (flags is 2 or 6) w.WriteVarU32(segment.TableIndex);
        if (segment.Mode == SegmentMode.Active) w.WriteBytes(segment.Offset!.Code.Span);
        if ((flags & 3) != 0) w.WriteByte(indices ? (byte)0 : (byte)segment.ElementType);
        w.WriteVarU32((uint)segment.Items.Length);
        if (indices)
        {
            foreach (var f in segment.FunctionIndices) w.WriteVarU32(f);
        }
        else
        {
            foreach (var item in segment.Items) w.WriteBytes(item.Code.Span);
        }
    }

    private static void WriteDataSegment(ByteWriter w, DataSegment segment)
    {
        if (segment.Mode == SegmentMode.Passive)
        {
            w.WriteVarU32(1);
        }
        else if (segment.MemoryIndex == 0)
        {
            w.WriteVarU32(0);
            w.WriteBytes(segment.Offset!.Code.Span);
        }
        else
        {
            w.WriteVarU32(2);
            w.WriteVarU32(segment.MemoryIndex);
            w.WriteBytes(segment.Offset!.Code.Span);
        }
        w.WriteSized(segment.Bytes.Span);
    }

    private static bool HasNames(NameMap names) => names.ModuleName is not null || names.Functions.Count > 0 || names.Locals.Count > 0;

    private static void WriteNameSection(ByteWriter w, NameMap names)
    {
        w.WriteName("name");
        var sub = new ByteWriter();
        if (names.ModuleName is { } moduleName)
        {
            sub.WriteName(moduleName);
            w.WriteByte(0);
            w.WriteSized(sub.WrittenSpan);
        }
        if (names.Functions.Count > 0)
        {
            sub.Clear();
            WriteNameMap(sub, names.Functions);
            w.WriteByte(1);
            w.WriteSized(sub.WrittenSpan);
        }
        if (names.Locals.Count > 0)
        {
            sub.Clear();
            sub.WriteVarU32((uint)names.Locals.Count);
            foreach (var (function, locals) in names.Locals.OrderBy(p => p.Key))
            {
                sub.WriteVarU32(function);
                WriteNameMap(sub, locals);
            }
            w.WriteByte(2);
            w.WriteSized(sub.WrittenSpan);
        }
    }

    private static void WriteNameMap(ByteWriter w, Dictionary<uint, string> map)
    {
        w.WriteVarU32((uint)map.Count);
        foreach (var (index, name) in map.OrderBy(p => p.Key))
        {
            w.WriteVarU32(index);
            w.WriteName(name);
        }
    }
}
