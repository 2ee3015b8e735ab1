using System.Collections.Immutable;
using WasmNN.CodeGen;
using WasmNN.Wasm;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>What a kernel's emitter may ask of the module being built: the function index of another kernel.</summary>
internal sealed class KernelModuleContext(ImmutableArray<KernelDefinition> kernels)
{
    /// <summary>The index of the kernel named <paramref name="name"/> (no imports, so table position = function index).</summary>
    public uint FunctionIndex(string name)
    {
        int index = kernels.IndexOf(kernels.First(k => k.Name == name));
        return (uint)index;
    }
}

/// <summary>Builds <c>wasmnn_ops.wasm</c> from <see cref="KernelCatalog.All"/>: one exported function per row and an exported memory.</summary>
internal static class KernelModuleGenerator
{
    /// <summary>The memory's export name.</summary>
    public const string MemoryExport = "memory";

    /// <summary>Initial pages; the frontend grows the memory as it allocates.</summary>
    public const uint InitialPages = 1;

    public static byte[] Generate(ImmutableArray<KernelDefinition> kernels)
    {
        var builder = new ModuleBuilder();
        builder.Module.Names = new NameMap { ModuleName = "wasmnn_ops", Functions = new Dictionary<uint, string>(), Locals = builder.Module.Names.Locals };
        var context = new KernelModuleContext(kernels);
        foreach (var kernel in kernels)
        {
            var emitter = new FunctionBuilder(kernel.Parameters.Length);
            kernel.Emit(emitter, context);
            var type = new FuncType([.. Enumerable.Repeat(ValueType.I32, kernel.Parameters.Length)], []);
            uint index = builder.AddFunction(type, [.. emitter.Locals], emitter.Code, kernel.Name);
            builder.Export(kernel.Name, ExternalKind.Function, index);
            // Parameter names in the name section, so printed listings and stack traces read like the table.
            builder.Module.Names.Locals[index] = kernel.Parameters.Select((name, i) => (name, i)).ToDictionary(p => (uint)p.i, p => p.name);
        }
        builder.AddMemory(InitialPages);
        builder.Export(MemoryExport, ExternalKind.Memory, 0);
        builder.AddCustomSection(KernelTable.SectionName, KernelTable.ToUtf8(kernels));
        return builder.ToBytes();
    }
}
