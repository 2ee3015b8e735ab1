using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// A sequence or optional value resolved at compile time into the tensor values it is made of: a tensor
/// (<see cref="Tensor"/>), a sequence (<see cref="Elements"/>, possibly empty), or an empty optional (both null).
/// </summary>
/// <param name="Tensor">The tensor, when the value is one (or an optional holding one).</param>
/// <param name="Elements">The elements in order, when the value is a sequence (or an optional holding one).</param>
public sealed record ResolvedValue(Value? Tensor, IReadOnlyList<Value>? Elements)
{
    /// <summary>An empty optional.</summary>
    public static ResolvedValue None { get; } = new(null, null);

    /// <summary>A tensor.</summary>
    public static ResolvedValue Of(Value tensor) => new(tensor, null);

    /// <summary>A sequence.</summary>
    public static ResolvedValue Sequence(IReadOnlyList<Value> elements) => new(null, elements);

    /// <summary>True for an empty optional.</summary>
    public bool IsNone => Tensor is null && Elements is null;

    /// <summary>The elements of a sequence, or an error naming what the value is instead.</summary>
    public IReadOnlyList<Value> RequireSequence(string what) =>
        Elements ?? throw new OperatorException($"{what} is {(IsNone ? "an empty optional" : "a tensor")}, not a sequence");

    /// <summary>The tensor, or an error naming what the value is instead.</summary>
    public Value RequireTensor(string what) =>
        Tensor ?? throw new OperatorException($"{what} is {(IsNone ? "an empty optional" : "a sequence")}, not a tensor");

    /// <summary>The tensors this value flattens to, in order (a sequence's elements, a tensor, nothing for an empty optional).</summary>
    public IReadOnlyList<Value> Flatten() => Elements ?? (Tensor is { } t ? [t] : []);
}
