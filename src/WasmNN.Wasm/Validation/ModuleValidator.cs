using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Validation;

/// <summary>
/// Type-checks a decoded module exactly as the WebAssembly 2.0 specification's validation rules (plus relaxed SIMD):
/// index spaces, limits, constant expressions, exports, the start function and every function body.
/// </summary>
/// <remarks>
/// Errors are <see cref="WasmFormatException"/> of kind <see cref="WasmErrorKind.Invalid"/> whose
/// <see cref="WasmFormatException.Problem"/> starts with the spec suite's wording ("type mismatch",
/// "unknown global 3", ...) and which carry the byte offset and, inside code, the function index.
/// </remarks>
public static partial class ModuleValidator
{
    /// <summary>Throws <see cref="WasmFormatException"/> (kind Invalid) at the first rule <paramref name="module"/> breaks.</summary>
    /// <param name="module">The module, as <c>ModuleReader</c> decoded it.</param>
    /// <param name="features">Proposals the code may use; an instruction from another proposal is invalid.</param>
    public static void Validate(WasmModule module, Feature features = Feature.All)
    {
        var context = new ValidationContext(module, features);
        CheckImports(context);
        for (int i = 0; i < module.Functions.Count; i++)
        {
            CheckTypeIndex(context, module.Functions[i], module.Codes.Count > i ? module.Codes[i].BodyOffset : -1, "function");
        }
        foreach (var table in module.Tables) CheckTableLimits(table.Limits, -1, "table");
        foreach (var memory in module.Memories) CheckMemoryLimits(memory.Limits, -1, "memory");
        if (context.Memories.Length > 1) throw Invalid("multiple memories", -1, "memory");
        CollectDeclaredFunctionReferences(context);
        CheckGlobals(context);
        CheckExports(context);
        CheckStart(context);
        CheckElements(context);
        CheckData(context);
        for (int i = 0; i < module.Codes.Count; i++)
        {
            FunctionValidator.Validate(context, i);
        }
    }

    internal static WasmFormatException Invalid(string problem, int offset, string? section) =>
        new(WasmErrorKind.Invalid, problem, offset, section);

    private static void CheckImports(ValidationContext context)
    {
        foreach (var import in context.Module.Imports)
        {
            switch (import.Kind)
            {
                case ExternalKind.Function: CheckTypeIndex(context, import.TypeIndex, -1, "import"); break;
                case ExternalKind.Table: CheckTableLimits(import.Table.Limits, -1, "import"); break;
                case ExternalKind.Memory: CheckMemoryLimits(import.Memory.Limits, -1, "import"); break;
            }
        }
    }

    private static void CheckTypeIndex(ValidationContext context, uint typeIndex, int offset, string section)
    {
        if (typeIndex >= context.Module.Types.Count) throw Invalid($"unknown type {typeIndex}", offset, section);
    }

    private static void CheckTableLimits(Limits limits, int offset, string section)
    {
        if (limits.Maximum is { } max && limits.Minimum > max) throw Invalid("size minimum must not be greater than maximum", offset, section);
    }

    private static void CheckMemoryLimits(Limits limits, int offset, string section)
    {
        if (limits.Minimum > MemoryType.MaxPages || limits.Maximum > MemoryType.MaxPages)
        {
            throw Invalid("memory size must be at most 65536 pages (4GiB)", offset, section);
        }
        if (limits.Maximum is { } max && limits.Minimum > max) throw Invalid("size minimum must not be greater than maximum", offset, section);
        // Threads proposal: a shared memory has a fixed reservation, so it must declare its maximum.
        if (limits.Shared && limits.Maximum is null) throw Invalid("shared memory must have maximum", offset, section);
    }

    private static void CheckGlobals(ValidationContext context)
    {
        foreach (var global in context.Module.Globals)
        {
            CheckConstantExpression(context, global.Init, global.Type.ValueType, "global");
        }
    }

    private static void CheckExports(ValidationContext context)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var export in context.Module.Exports)
        {
            int count = export.Kind switch
            {
                ExternalKind.Function => context.FunctionTypeIndices.Length,
                ExternalKind.Table => context.Tables.Length,
                ExternalKind.Memory => context.Memories.Length,
                _ => context.Globals.Length,
            };
            if (export.Index >= count) throw Invalid($"unknown {KindName(export.Kind)} {export.Index}", -1, "export");
            if (!names.Add(export.Name)) throw Invalid("duplicate export name", -1, "export");
        }
    }

    private static string KindName(ExternalKind kind) => kind switch
    {
        ExternalKind.Function => "function",
        ExternalKind.Table => "table",
        ExternalKind.Memory => "memory",
        _ => "global",
    };

    private static void CheckStart(ValidationContext context)
    {
        if (context.Module.Start is not { } start) return;
        if (start >= context.FunctionTypeIndices.Length) throw Invalid($"unknown function {start}", -1, "start");
        var type = context.FunctionType(start);
        if (type.Parameters.Length != 0 || type.Results.Length != 0) throw Invalid("start function must have type [] -> []", -1, "start");
    }

    private static void CheckElements(ValidationContext context)
    {
        foreach (var segment in context.Module.Elements)
        {
            if (segment.Mode == SegmentMode.Active)
            {
                if (segment.TableIndex >= context.Tables.Length) throw Invalid($"unknown table {segment.TableIndex}", segment.FileOffset, "element");
                CheckConstantExpression(context, segment.Offset!, ValueType.I32, "element");
                if (context.Tables[(int)segment.TableIndex].ElementType != segment.ElementType)
                {
                    throw Invalid("type mismatch", segment.FileOffset, "element");
                }
            }
            foreach (var item in segment.Items) CheckConstantExpression(context, item, segment.ElementType, "element");
        }
    }

    private static void CheckData(ValidationContext context)
    {
        foreach (var segment in context.Module.Data)
        {
            if (segment.Mode != SegmentMode.Active) continue;
            if (segment.MemoryIndex >= context.Memories.Length) throw Invalid($"unknown memory {segment.MemoryIndex}", segment.FileOffset, "data");
            CheckConstantExpression(context, segment.Offset!, ValueType.I32, "data");
        }
    }

    /// <summary>C.refs: every <c>ref.func</c> outside function bodies, plus exported functions.</summary>
    private static void CollectDeclaredFunctionReferences(ValidationContext context)
    {
        var module = context.Module;
        foreach (var export in module.Exports)
        {
            if (export.Kind == ExternalKind.Function) context.DeclaredFunctionReferences.Add(export.Index);
        }
        var expressions = module.Globals.Select(g => g.Init).Concat(module.Elements.SelectMany(e => e.Items));
        foreach (var expression in expressions)
        {
            var reader = new InstructionReader(expression.Code.Span, expression.Offset);
            while (!reader.AtEnd)
            {
                var ins = reader.Read();
                if (ins.Opcode == Opcode.RefFunc) context.DeclaredFunctionReferences.Add(ins.Index);
            }
        }
    }
}
