using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Wraps host delegates as wasm functions. Each gets a stub with the compiled-code calling convention whose
/// context's <see cref="InstanceContext.HostTarget"/> is the delegate; stubs are generated once per delegate
/// type (typed) or per signature (untyped) and live in the engine's own dynamic assembly. A delegate that takes a
/// <see cref="Caller"/> gets it from <see cref="InstanceContext.Caller"/>, set per importing instance.
/// </summary>
internal sealed class HostStubs(Engine engine)
{
    private readonly ConcurrentDictionary<Type, (FuncType Type, nint Entry)> _typed = new();
    private readonly ConcurrentDictionary<FuncType, nint> _untyped = new();
    private readonly Lock _lock = new();
    private ModuleBuilder? _module;
    private readonly List<Type> _keepAlive = [];

    public WasmFunction Create(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var (type, entry) = _typed.GetOrAdd(function.GetType(), BuildTyped);
        bool takesCaller = function.GetType().GetMethod("Invoke")!.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(Caller);
        return CreateFunction(type, entry, function, takesCaller);
    }

    public WasmFunction Create(FuncType type, HostCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CreateFunction(type, _untyped.GetOrAdd(type, BuildUntyped), callback, takesCaller: false);
    }

    public WasmFunction Create(FuncType type, HostCallbackWithCaller callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CreateFunction(type, _untyped.GetOrAdd(type, BuildUntyped), callback, takesCaller: true);
    }

    private WasmFunction CreateFunction(FuncType type, nint entry, Delegate target, bool takesCaller)
    {
        // Until an instance imports it (WasmFunction.BindCaller), the function has a caller without an instance.
        var context = new InstanceContext { HostTarget = target, Interrupt = engine.InterruptFlag, Caller = takesCaller ? new Caller(null) : null };
        return new WasmFunction(engine, type, entry, context, target.Method.Name);
    }

    private (FuncType, nint) BuildTyped(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        // A leading Caller is supplied by the stub, not by wasm.
        int first = parameters is [var c, ..] && c == typeof(Caller) ? 1 : 0;
        var paramTypes = parameters[first..].Select(p => Invokers.WasmTypeOf(p)
            ?? throw new ArgumentException($"host function parameter type {p.Name} has no wasm equivalent")).ToArray();
        var returnTypes = ResultTypes(invoke.ReturnType);
        var type = new FuncType([.. paramTypes], [.. returnTypes]);
        var entry = Emit(type, il =>
        {
            int context = ClrTypes.ContextArgument(type);
            il.Emit(OpCodes.Ldarg, context);
            il.Emit(OpCodes.Ldfld, typeof(InstanceContext).GetField(nameof(InstanceContext.HostTarget), BindingFlags.Instance | BindingFlags.NonPublic)!);
            il.Emit(OpCodes.Castclass, delegateType);
            if (first == 1)
            {
                il.Emit(OpCodes.Ldarg, context);
                il.Emit(OpCodes.Ldfld, typeof(InstanceContext).GetField(nameof(InstanceContext.Caller), BindingFlags.Instance | BindingFlags.NonPublic)!);
            }
            for (int i = first; i < parameters.Length; i++)
            {
                il.Emit(OpCodes.Ldarg, i - first);
                if (parameters[i] == typeof(WasmFunction)) il.Emit(OpCodes.Castclass, typeof(WasmFunction));
            }
            il.Emit(OpCodes.Callvirt, invoke);
            if (returnTypes.Length > 1)
            {
                // A ValueTuple return: the first item is returned, the rest go out through the by-ref arguments.
                var tuple = il.DeclareLocal(invoke.ReturnType);
                il.Emit(OpCodes.Stloc, tuple);
                for (int r = 1; r < returnTypes.Length; r++)
                {
                    il.Emit(OpCodes.Ldarg, type.Parameters.Length + r - 1);
                    il.Emit(OpCodes.Ldloc, tuple);
                    il.Emit(OpCodes.Ldfld, invoke.ReturnType.GetField($"Item{r + 1}")!);
                    il.Emit(OpCodes.Stobj, ClrTypes.Of(returnTypes[r]));
                }
                il.Emit(OpCodes.Ldloc, tuple);
                il.Emit(OpCodes.Ldfld, invoke.ReturnType.GetField("Item1")!);
            }
        });
        return (type, entry);
    }

    private static Wasm.ValueType[] ResultTypes(Type returnType)
    {
        if (returnType == typeof(void)) return [];
        if (returnType.IsGenericType && returnType.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            return [.. returnType.GetGenericArguments().Select(t => Invokers.WasmTypeOf(t)
                ?? throw new ArgumentException($"host function result type {t.Name} has no wasm equivalent"))];
        }
        return [Invokers.WasmTypeOf(returnType) ?? throw new ArgumentException($"host function result type {returnType.Name} has no wasm equivalent")];
    }

    private nint BuildUntyped(FuncType type) => Emit(type, il =>
    {
        var arguments = il.DeclareLocal(typeof(WasmValue[]));
        var results = il.DeclareLocal(typeof(WasmValue[]));
        il.Emit(OpCodes.Ldc_I4, type.Parameters.Length);
        il.Emit(OpCodes.Newarr, typeof(WasmValue));
        il.Emit(OpCodes.Stloc, arguments);
        for (int i = 0; i < type.Parameters.Length; i++)
        {
            il.Emit(OpCodes.Ldloc, arguments);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldarg, i);
            ClrTypes.EmitBoxValue(il, type.Parameters[i]);
            il.Emit(OpCodes.Stelem, typeof(WasmValue));
        }
        il.Emit(OpCodes.Ldc_I4, type.Results.Length);
        il.Emit(OpCodes.Newarr, typeof(WasmValue));
        il.Emit(OpCodes.Stloc, results);
        il.Emit(OpCodes.Ldarg, ClrTypes.ContextArgument(type));
        il.Emit(OpCodes.Ldloc, arguments);
        il.Emit(OpCodes.Ldloc, results);
        il.Emit(OpCodes.Call, typeof(HostCalls).GetMethod(nameof(HostCalls.InvokeCallback), BindingFlags.Static | BindingFlags.NonPublic)!);
        for (int r = 1; r < type.Results.Length; r++)
        {
            il.Emit(OpCodes.Ldarg, type.Parameters.Length + r - 1);
            il.Emit(OpCodes.Ldloc, results);
            il.Emit(OpCodes.Ldc_I4, r);
            il.Emit(OpCodes.Ldelema, typeof(WasmValue));
            ClrTypes.EmitUnboxValue(il, type.Results[r]);
            il.Emit(OpCodes.Stobj, ClrTypes.Of(type.Results[r]));
        }
        if (type.Results.Length > 0)
        {
            il.Emit(OpCodes.Ldloc, results);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ldelema, typeof(WasmValue));
            ClrTypes.EmitUnboxValue(il, type.Results[0]);
        }
    });

    private nint Emit(FuncType type, Action<ILGenerator> body)
    {
        lock (_lock)
        {
            _module ??= DynamicAssemblies.Create("WasmHostStubs");
            var builder = _module.DefineType($"HostStub{_keepAlive.Count}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
            var method = builder.DefineMethod("Stub", MethodAttributes.Public | MethodAttributes.Static, ClrTypes.ReturnType(type), ClrTypes.ParameterTypes(type));
            var il = method.GetILGenerator();
            // Compiled code passes its call depth in an argument; the thread's counter holds it while the host
            // runs, so wasm the host calls back counts on from there (MaxCallDepth spans host frames). Restored
            // on return; after an exception the host entry that catches it restores its own (WasmFunction.Call).
            var depth = typeof(CallStack).GetField(nameof(CallStack.Depth), BindingFlags.Static | BindingFlags.NonPublic)!;
            var saved = il.DeclareLocal(typeof(int));
            il.Emit(OpCodes.Ldsfld, depth);
            il.Emit(OpCodes.Stloc, saved);
            il.Emit(OpCodes.Ldarg, ClrTypes.DepthArgument(type));
            il.Emit(OpCodes.Stsfld, depth);
            body(il);
            il.Emit(OpCodes.Ldloc, saved);
            il.Emit(OpCodes.Stsfld, depth);
            il.Emit(OpCodes.Ret);
            var created = builder.CreateType();
            _keepAlive.Add(created);
            return created.GetMethod("Stub")!.MethodHandle.GetFunctionPointer();
        }
    }
}

/// <summary>Runs untyped host callbacks for the stubs.</summary>
internal static class HostCalls
{
    internal static void InvokeCallback(InstanceContext context, WasmValue[] arguments, WasmValue[] results)
    {
        if (context.HostTarget is HostCallback callback) callback(arguments, results);
        else ((HostCallbackWithCaller)context.HostTarget!)(context.Caller!, arguments, results);
    }
}
