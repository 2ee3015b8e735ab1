using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// How wasm values and signatures look in IL. A compiled function of type [p0..pn] -> [r0..rm] is
/// <c>static R0 f(P0 p0, ..., ref R1 r1, ..., ref Rm rm, int depth, nint stackLimit, InstanceContext context)</c>:
/// the first result is the return value (the fast common case), further results go through by-ref arguments, and
/// the hidden arguments come last so a call can push them after the arguments already on the stack. depth (the
/// caller's call depth) and stackLimit (see <see cref="StackGuard"/>) travel in registers: the call depth
/// accounting costs no memory access per call (a thread-static counter cost a runtime helper call per entry).
/// </summary>
internal static class ClrTypes
{
    public static Type Of(ValueType type) => type switch
    {
        ValueType.I32 => typeof(int),
        ValueType.I64 => typeof(long),
        ValueType.F32 => typeof(float),
        ValueType.F64 => typeof(double),
        ValueType.V128 => typeof(Vector128<byte>),
        _ => typeof(object),
    };

    public static Type ReturnType(FuncType type) => type.Results.Length == 0 ? typeof(void) : Of(type.Results[0]);

    public static Type[] ParameterTypes(FuncType type)
    {
        var result = new Type[type.Parameters.Length + Math.Max(0, type.Results.Length - 1) + 3];
        int i = 0;
        foreach (var p in type.Parameters) result[i++] = Of(p);
        for (int r = 1; r < type.Results.Length; r++) result[i++] = Of(type.Results[r]).MakeByRefType();
        result[i++] = typeof(int);
        result[i++] = typeof(nint);
        result[i] = typeof(InstanceContext);
        return result;
    }

    /// <summary>Argument index of the call depth (the caller's; the callee counts itself in).</summary>
    public static int DepthArgument(FuncType type) => type.Parameters.Length + Math.Max(0, type.Results.Length - 1);

    /// <summary>Argument index of the stack limit (see <see cref="StackGuard"/>).</summary>
    public static int StackLimitArgument(FuncType type) => DepthArgument(type) + 1;

    /// <summary>Argument index of the context.</summary>
    public static int ContextArgument(FuncType type) => DepthArgument(type) + 2;

    /// <summary>
    /// Pushes the hidden arguments for a call from the host (invokers, typed delegates): the thread's call depth
    /// (non-zero when a host function called by wasm calls back in) and a stack limit that makes the callee probe.
    /// </summary>
    public static void EmitHostEntryArguments(ILGenerator il)
    {
        il.Emit(OpCodes.Ldsfld, typeof(CallStack).GetField(nameof(CallStack.Depth), BindingFlags.Static | BindingFlags.NonPublic)!);
        il.Emit(OpCodes.Ldc_I4, StackGuard.ProbeNow);
        il.Emit(OpCodes.Conv_I);
    }

    public static void EmitCalli(ILGenerator il, FuncType type) =>
        il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, ReturnType(type), ParameterTypes(type), null);

    /// <summary>Loads a <see cref="WasmValue"/> (its address is on the stack) as the IL type of <paramref name="type"/>.</summary>
    public static void EmitUnboxValue(ILGenerator il, ValueType type)
    {
        string method = type switch
        {
            ValueType.I32 => nameof(WasmValue.AsInt32),
            ValueType.I64 => nameof(WasmValue.AsInt64),
            ValueType.F32 => nameof(WasmValue.AsSingle),
            ValueType.F64 => nameof(WasmValue.AsDouble),
            ValueType.V128 => nameof(WasmValue.AsVector),
            _ => nameof(WasmValue.AsReference),
        };
        il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(method)!);
    }

    /// <summary>Turns the IL value of <paramref name="type"/> on the stack into a <see cref="WasmValue"/>.</summary>
    public static void EmitBoxValue(ILGenerator il, ValueType type)
    {
        if (type.IsReference())
        {
            il.Emit(OpCodes.Ldc_I4, (int)type);
            il.Emit(OpCodes.Call, typeof(ValueMarshal).GetMethod(nameof(ValueMarshal.FromReference), BindingFlags.Static | BindingFlags.NonPublic)!);
            return;
        }
        string method = type switch
        {
            ValueType.I32 => nameof(WasmValue.FromInt32),
            ValueType.I64 => nameof(WasmValue.FromInt64),
            ValueType.F32 => nameof(WasmValue.FromSingle),
            ValueType.F64 => nameof(WasmValue.FromDouble),
            _ => nameof(WasmValue.FromVector),
        };
        il.Emit(OpCodes.Call, typeof(WasmValue).GetMethod(method)!);
    }
}

/// <summary>Helpers generated code calls to move values between IL and <see cref="WasmValue"/>.</summary>
internal static class ValueMarshal
{
    internal static WasmValue FromReference(object? value, int type) =>
        (ValueType)type == ValueType.FuncRef ? WasmValue.FromFunction((WasmFunction?)value) : WasmValue.FromExtern(value);
}

/// <summary>Creates the collectible dynamic assemblies compiled code lives in.</summary>
internal static class DynamicAssemblies
{
    private static readonly ConstructorInfo s_ignoresAccessChecks =
        typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;

    /// <summary>A fresh collectible module whose code may read this engine's internal runtime fields.</summary>
    public static ModuleBuilder Create(string name)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), AssemblyBuilderAccess.RunAndCollect);
        // Lets generated code use InstanceContext, WasmMemory.Base, ... without making them public.
        assembly.SetCustomAttribute(new CustomAttributeBuilder(s_ignoresAccessChecks, [typeof(ClrTypes).Assembly.GetName().Name!]));
        return assembly.DefineDynamicModule(name);
    }
}
