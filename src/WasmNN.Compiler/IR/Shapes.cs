namespace WasmNN.Compiler.IR;

/// <summary>
/// Helpers for static shapes. A shape is an <c>int[]</c> of dimensions (row-major); a dimension of -1 is unknown
/// (a symbolic ONNX dim_param); a null shape means the rank itself is unknown.
/// </summary>
public static class Shapes
{
    /// <summary>Number of elements; -1 when any dimension is unknown.</summary>
    public static int ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                return -1;
            }
            count *= d;
        }
        return checked((int)count);
    }

    /// <summary>True when the rank and every dimension are known.</summary>
    public static bool IsStatic(int[]? shape) => shape is not null && Array.TrueForAll(shape, d => d >= 0);

    /// <summary>Row-major strides in elements.</summary>
    public static int[] Strides(IReadOnlyList<int> shape)
    {
        var strides = new int[shape.Count];
        var stride = 1;
        for (var i = shape.Count - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(shape[i], 0);
        }
        return strides;
    }

    /// <summary>
    /// Element strides of a row-major operand of <paramref name="shape"/> broadcast (right-aligned) to
    /// <paramref name="target"/>: 0 on every size-1 or missing dimension, where the one element repeats.
    /// </summary>
    public static int[] BroadcastStrides(int[] shape, int[] target)
    {
        var strides = new int[target.Length];
        var stride = 1;
        for (var d = 1; d <= target.Length; d++)
        {
            var dim = d <= shape.Length ? shape[^d] : 1;
            strides[^d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return strides;
    }

    /// <summary>Structural equality; null equals only null.</summary>
    public static bool AreEqual(int[]? a, int[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    /// <summary>Formats a shape as "1x3x224x224" ("?" for unknown dims, "scalar" for rank 0).</summary>
    public static string Format(int[]? shape) =>
        shape is null ? "<unknown rank>" : shape.Length == 0 ? "scalar" : string.Join("x", shape.Select(d => d < 0 ? "?" : d.ToString()));

    /// <summary>Normalises a possibly negative axis against a rank, throwing a clear error when out of range.</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new OperatorException($"axis {axis} is out of range for rank {rank}");
        }
        return (int)a;
    }

    /// <summary>Multidirectional (numpy) broadcast of two shapes.</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            result[i] = da == db ? da
                : da == 1 ? db
                : db == 1 ? da
                : da < 0 ? db
                : db < 0 ? da
                : throw new OperatorException($"shapes {Format(a)} and {Format(b)} cannot be broadcast together");
        }
        return result;
    }
}
