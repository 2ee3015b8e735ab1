using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Axes given either as an attribute (older opsets) or as an input (Squeeze/Unsqueeze 13+, ReduceSum 13+,
/// other reductions 18+): resolves whichever the node uses.
/// </summary>
/// <param name="FromAttribute">The 'axes' attribute, or null.</param>
/// <param name="InputIndex">The input that carries the axes in this opset, or -1.</param>
public sealed record AxesSource(long[]? FromAttribute, int InputIndex)
{
    /// <summary>The axes at inference time: null when they come from a non-constant input.</summary>
    public bool TryGet(IReadOnlyList<Value?> inputs, out long[]? axes)
    {
        if (InputIndex >= 0 && InputIndex < inputs.Count && inputs[InputIndex] is { } v)
        {
            axes = v.Constant?.ToInt64Array();
            return axes is not null;
        }
        axes = FromAttribute;
        return true;
    }

    /// <summary>The axes at evaluation time (null when none are given).</summary>
    public long[]? Get(IReadOnlyList<Tensor?> inputs) =>
        InputIndex >= 0 && InputIndex < inputs.Count && inputs[InputIndex] is { } t ? t.ToInt64Array() : FromAttribute;
}
