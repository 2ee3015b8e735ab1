using System.Reflection;
using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>Calls compiled code of signature type through its entry point, with values in arrays.</summary>
internal delegate void Invoker(nint code, InstanceContext context, WasmValue[] arguments, WasmValue[] results);

/// <summary>Host-to-wasm call paths: untyped invokers (one per signature) and typed delegates.</summary>
internal static class Invokers
{
    public static Invoker Create(FuncType type)
    {
        var method = new DynamicMethod($"invoke {type}", typeof(void),
            [typeof(nint), typeof(InstanceContext), typeof(WasmValue[]), typeof(WasmValue[])], typeof(Invokers).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        for (int i = 0; i < type.Parameters.Length; i++)
        {
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelema, typeof(WasmValue));
            ClrTypes.EmitUnboxValue(il, type.Parameters[i]);
        }
        var outs = new LocalBuilder[Math.Max(0, type.Results.Length - 1)];
        for (int r = 1; r < type.Results.Length; r++)
        {
            outs[r - 1] = il.DeclareLocal(ClrTypes.Of(type.Results[r]));
            il.Emit(OpCodes.Ldloca, outs[r - 1]);
        }
        ClrTypes.EmitHostEntryArguments(il);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldarg_0);
        ClrTypes.EmitCalli(il, type);
        if (type.Results.Length > 0)
        {
            var first = il.DeclareLocal(ClrTypes.Of(type.Results[0]));
            il.Emit(OpCodes.Stloc, first);
            StoreResult(il, 0, first, type.Results[0]);
            for (int r = 1; r < type.Results.Length; r++) StoreResult(il, r, outs[r - 1], type.Results[r]);
        }
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Invoker>();
    }

    private static void StoreResult(ILGenerator il, int index, LocalBuilder local, ValueType type)
    {
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldloc, local);
        ClrTypes.EmitBoxValue(il, type);
        il.Emit(OpCodes.Stelem, typeof(WasmValue));
    }

    /// <summary>
    /// A delegate of type <paramref name="delegateType"/> bound to <paramref name="function"/> that calls its code
    /// directly and restores the call depth if it traps.
    /// </summary>
    public static Delegate CreateTypedDelegate(WasmFunction function, Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke") ?? throw new ArgumentException($"{delegateType} is not a delegate type");
        var type = function.Type;
        var parameters = invoke.GetParameters();
        string Mismatch() => $"delegate {delegateType.Name} does not match wasm signature {type}";
        if (parameters.Length != type.Parameters.Length || type.Results.Length > 1) throw new ArgumentException(Mismatch());
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!Fits(parameters[i].ParameterType, type.Parameters[i])) throw new ArgumentException(Mismatch());
        }
        bool hasResult = type.Results.Length == 1;
        if (hasResult ? !Fits(invoke.ReturnType, type.Results[0]) : invoke.ReturnType != typeof(void)) throw new ArgumentException(Mismatch());

        var method = new DynamicMethod($"call {function.Name}", invoke.ReturnType,
            [typeof(WasmFunction), .. parameters.Select(p => p.ParameterType)], typeof(Invokers).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var depthField = typeof(CallStack).GetField(nameof(CallStack.Depth), BindingFlags.Static | BindingFlags.NonPublic)!;
        var saved = il.DeclareLocal(typeof(int));
        var result = hasResult ? il.DeclareLocal(invoke.ReturnType) : null;
        il.Emit(OpCodes.Ldsfld, depthField);
        il.Emit(OpCodes.Stloc, saved);
        il.BeginExceptionBlock();
        for (int i = 0; i < parameters.Length; i++) il.Emit(OpCodes.Ldarg, i + 1);
        ClrTypes.EmitHostEntryArguments(il);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(WasmFunction).GetField(nameof(WasmFunction.Context), BindingFlags.Instance | BindingFlags.NonPublic)!);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(WasmFunction).GetField(nameof(WasmFunction.CodePointer), BindingFlags.Instance | BindingFlags.NonPublic)!);
        ClrTypes.EmitCalli(il, type);
        if (result is not null)
        {
            if (invoke.ReturnType != ClrTypes.Of(type.Results[0])) il.Emit(OpCodes.Castclass, invoke.ReturnType);
            il.Emit(OpCodes.Stloc, result);
        }
        // Compiled code keeps only the memory's base pointer in a local: the function (and so its instance and
        // memory) must stay reachable until the call returns, or a GC could free the memory under it.
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(GC).GetMethod(nameof(GC.KeepAlive))!);
        il.BeginFinallyBlock();
        il.Emit(OpCodes.Ldloc, saved);
        il.Emit(OpCodes.Stsfld, depthField);
        il.EndExceptionBlock();
        if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate(delegateType, function);
    }

    /// <summary>True when a .NET parameter or return type carries wasm type <paramref name="wasm"/>.</summary>
    public static bool Fits(Type clr, ValueType wasm) =>
        clr == ClrTypes.Of(wasm) || (wasm == ValueType.FuncRef && clr == typeof(WasmFunction));

    /// <summary>The wasm type a .NET type maps to in host function signatures.</summary>
    public static ValueType? WasmTypeOf(Type clr) =>
        clr == typeof(int) || clr == typeof(uint) ? ValueType.I32
        : clr == typeof(long) || clr == typeof(ulong) ? ValueType.I64
        : clr == typeof(float) ? ValueType.F32
        : clr == typeof(double) ? ValueType.F64
        : clr == typeof(System.Runtime.Intrinsics.Vector128<byte>) ? ValueType.V128
        : clr == typeof(WasmFunction) ? ValueType.FuncRef
        : clr == typeof(object) ? ValueType.ExternRef
        : null;
}
