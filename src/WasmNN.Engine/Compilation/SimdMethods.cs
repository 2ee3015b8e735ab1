using System.Reflection;
using System.Runtime.Intrinsics;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// The <see cref="MethodInfo"/>s the SIMD lowering calls, looked up once per module. Every method handed out is
/// closed (no open generic parameters) and is one the JIT expands in place: <c>Vector128&lt;T&gt;</c> operators,
/// <c>Vector128.*</c> intrinsics closed over a lane type, or <c>Sse*</c>/<c>Avx*</c> hardware intrinsics. Calls to
/// generic helpers that need inlining fall off the JIT's inlining budget in large methods (../shared/DESIGN-NOTES.md,
/// "JIT cliff 1"), so nothing else is handed out.
/// </summary>
internal sealed class SimdMethods
{
    private readonly Dictionary<(Type Owner, string Name, Type? Element, string Parameters), MethodInfo> _cache = [];

    /// <summary>The closed <c>Vector128&lt;T&gt;</c> type.</summary>
    public static Type VectorOf(Type element) => typeof(Vector128<>).MakeGenericType(element);

    /// <summary>
    /// An operator of <c>Vector128&lt;<paramref name="element"/>&gt;</c>: unary for <c>op_OnesComplement</c> and
    /// <c>op_UnaryNegation</c>, (vector, int) for the shifts, (vector, vector) otherwise.
    /// </summary>
    public MethodInfo Operator(Type element, string name)
    {
        var vector = VectorOf(element);
        Type[] parameters = name switch
        {
            "op_OnesComplement" or "op_UnaryNegation" => [vector],
            "op_LeftShift" or "op_RightShift" or "op_UnsignedRightShift" => [vector, typeof(int)],
            _ => [vector, vector],
        };
        return Find(vector, name, null, parameters);
    }

    /// <summary>A static property getter of <c>Vector128&lt;<paramref name="element"/>&gt;</c> (<c>Zero</c>, <c>AllBitsSet</c>).</summary>
    public MethodInfo Property(Type element, string name) => Find(VectorOf(element), "get_" + name, null, []);

    /// <summary>
    /// <c>Vector128.<paramref name="name"/></c> with exactly <paramref name="parameters"/>: a non-generic overload if
    /// there is one, else the generic method closed over <paramref name="element"/>.
    /// </summary>
    public MethodInfo Vector(string name, Type? element, params Type[] parameters) =>
        Find(typeof(Vector128), name, element, parameters);

    /// <summary>
    /// <c>Vector128.<paramref name="name"/>&lt;<paramref name="element"/>&gt;</c> whose <paramref name="vectorArguments"/>
    /// parameters are all <c>Vector128&lt;<paramref name="element"/>&gt;</c>.
    /// </summary>
    public MethodInfo Vector(string name, Type element, int vectorArguments) =>
        Vector(name, element, Enumerable.Repeat(VectorOf(element), vectorArguments).ToArray());

    /// <summary>A hardware intrinsic such as <c>Sse2.Average(Vector128&lt;byte&gt;, Vector128&lt;byte&gt;)</c>.</summary>
    public MethodInfo Hardware(Type isa, string name, params Type[] parameters) => Find(isa, name, null, parameters);

    private MethodInfo Find(Type owner, string name, Type? element, Type[] parameters)
    {
        var key = (owner, name, element, string.Join(",", parameters.Select(p => p.FullName)));
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var method = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters);
        if (method is null && element is not null)
        {
            foreach (var candidate in owner.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                if (candidate.Name != name || !candidate.IsGenericMethodDefinition || candidate.GetGenericArguments().Length != 1
                    || candidate.GetParameters().Length != parameters.Length) continue;
                MethodInfo closed;
                try
                {
                    closed = candidate.MakeGenericMethod(element);
                }
                catch (ArgumentException)
                {
                    continue; // a constraint excludes this element type
                }
                if (closed.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters))
                {
                    method = closed;
                    break;
                }
            }
        }
        if (method is null || method.ContainsGenericParameters)
        {
            throw new MissingMethodException(owner.Name, $"{name}<{element?.Name}>({string.Join(", ", parameters.Select(p => p.Name))})");
        }
        _cache[key] = method;
        return method;
    }
}
