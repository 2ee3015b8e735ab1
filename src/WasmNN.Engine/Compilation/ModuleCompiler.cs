using System.Reflection;
using System.Reflection.Emit;
using WasmNN.Wasm;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Compiles every function of a module into static methods of one type in a fresh collectible assembly, so the
/// code is freed with the module, and takes each method's entry point for calls through tables and imports.
/// </summary>
internal static class ModuleCompiler
{
    public static (MethodInfo[] Methods, nint[] Entry) Compile(Engine engine, WasmModule module, string name)
    {
        var dynamicModule = DynamicAssemblies.Create(name);
        var type = dynamicModule.DefineType("WasmModule", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
        int imported = module.ImportedFunctionCount;
        var builders = new MethodBuilder[module.Functions.Count];
        for (int i = 0; i < builders.Length; i++)
        {
            var signature = module.Types[(int)module.Functions[i]];
            builders[i] = type.DefineMethod($"f{imported + i}", MethodAttributes.Public | MethodAttributes.Static,
                ClrTypes.ReturnType(signature), ClrTypes.ParameterTypes(signature));
            // Fully optimised from the first call: wasm hot loops should not start in tier 0.
            builders[i].SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        }
        var compilation = new ModuleCompilation(module, engine, builders);
        for (int i = 0; i < builders.Length; i++)
        {
            try
            {
                FunctionCompiler.Compile(compilation, imported + i, builders[i]);
            }
            catch (Exception e) when (e is not WasmFormatException)
            {
                throw new WasmCompileException($"cannot compile function {imported + i} (code at byte offset 0x{module.Codes[i].BodyOffset:x}): {e.Message}", e);
            }
        }
        var created = type.CreateType();
        var methods = new MethodInfo[builders.Length];
        var entry = new nint[builders.Length];
        for (int i = 0; i < builders.Length; i++)
        {
            methods[i] = created.GetMethod(builders[i].Name, BindingFlags.Public | BindingFlags.Static)!;
            entry[i] = methods[i].MethodHandle.GetFunctionPointer();
        }
        return (methods, entry);
    }
}
