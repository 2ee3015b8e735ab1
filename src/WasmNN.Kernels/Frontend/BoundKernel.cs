using System.Linq.Expressions;
using WasmNN.Engine;

namespace WasmNN.Kernels.Frontend;

/// <summary>
/// One kernel of an instance, callable with i32 arguments. Kernels with the arities the catalog uses go through a
/// typed delegate (no boxing, no argument arrays); any other arity falls back to <see cref="WasmFunction.Call"/>.
/// </summary>
internal sealed class BoundKernel
{
    private readonly WasmFunction _function;
    private readonly Delegate? _typed;

    public BoundKernel(KernelDefinition definition, WasmFunction function)
    {
        if (function.Type.Parameters.Length != definition.Parameters.Length || function.Type.Results.Length != 0)
        {
            throw new InvalidOperationException($"export '{definition.Name}' has type {function.Type}, the catalog says {definition.Signature}");
        }
        Definition = definition;
        _function = function;
        if (definition.Parameters.Length is 3 or 4 or 5 or 7 or 9 or 11 or 12 or 16)
        {
            var actionType = Expression.GetActionType([.. Enumerable.Repeat(typeof(int), definition.Parameters.Length)]);
            var asDelegate = typeof(WasmFunction).GetMethod(nameof(WasmFunction.AsDelegate))!.MakeGenericMethod(actionType);
            _typed = (Delegate)asDelegate.Invoke(function, null)!;
        }
    }

    public KernelDefinition Definition { get; }

    /// <exception cref="WasmTrapException">The kernel trapped (an address outside memory, an integer division by zero).</exception>
    public void Invoke(ReadOnlySpan<int> a)
    {
        if (a.Length != Definition.Parameters.Length)
        {
            throw new ArgumentException($"{Definition.Name} takes {Definition.Parameters.Length} arguments ({string.Join(", ", Definition.Parameters)}), got {a.Length}");
        }
        switch (_typed)
        {
            case Action<int, int, int> f: f(a[0], a[1], a[2]); break;
            case Action<int, int, int, int> f: f(a[0], a[1], a[2], a[3]); break;
            case Action<int, int, int, int, int> f: f(a[0], a[1], a[2], a[3], a[4]); break;
            case Action<int, int, int, int, int, int, int> f: f(a[0], a[1], a[2], a[3], a[4], a[5], a[6]); break;
            case Action<int, int, int, int, int, int, int, int, int> f: f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]); break;
            case Action<int, int, int, int, int, int, int, int, int, int, int> f:
                f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
                break;
            case Action<int, int, int, int, int, int, int, int, int, int, int, int> f:
                f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
                break;
            case Action<int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int> f:
                f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
                break;
            default:
                var values = new WasmValue[a.Length];
                for (int i = 0; i < a.Length; i++) values[i] = WasmValue.FromInt32(a[i]);
                _function.Call(values);
                break;
        }
    }
}
