namespace WasmNN.Kernels.Frontend;

/// <summary>
/// NumPy broadcasting of two shapes reduced to the binary kernels' 2-D form: the output shape, and the output's
/// dimensions after dropping size-1 axes and merging axes that are contiguous in both operands, each with the
/// operands' strides in elements (0 where an operand is broadcast). The last two merged axes become the kernel's rows
/// and columns; any outer axes are looped over by the caller.
/// </summary>
internal sealed class BroadcastPlan
{
    private BroadcastPlan(int[] outputShape, int[] dimensions, int[] aStrides, int[] bStrides)
    {
        OutputShape = outputShape;
        Dimensions = dimensions;
        AStrides = aStrides;
        BStrides = bStrides;
    }

    public int[] OutputShape { get; }

    /// <summary>Merged dimensions, at least two (leading ones of size 1 when the output has fewer).</summary>
    public int[] Dimensions { get; }

    public int[] AStrides { get; }

    public int[] BStrides { get; }

    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static BroadcastPlan Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var output = new int[rank];
        var aStrides = new int[rank];
        var bStrides = new int[rank];
        int aStride = 1, bStride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int aDim = Dimension(a, i - (rank - a.Length));
            int bDim = Dimension(b, i - (rank - b.Length));
            if (aDim != bDim && aDim != 1 && bDim != 1)
            {
                throw new ArgumentException($"shapes [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}] do not broadcast");
            }
            output[i] = aDim == 1 ? bDim : aDim;
            aStrides[i] = aDim == 1 ? 0 : aStride;
            bStrides[i] = bDim == 1 ? 0 : bStride;
            aStride *= aDim;
            bStride *= bDim;
        }
        var dimensions = new List<int>();
        var mergedA = new List<int>();
        var mergedB = new List<int>();
        for (int i = 0; i < rank; i++)
        {
            if (output[i] == 1) continue;
            // Axis i folds into the previous one when both operands step over it contiguously (or both broadcast it).
            if (dimensions.Count > 0 && mergedA[^1] == aStrides[i] * output[i] && mergedB[^1] == bStrides[i] * output[i])
            {
                dimensions[^1] *= output[i];
                mergedA[^1] = aStrides[i];
                mergedB[^1] = bStrides[i];
                continue;
            }
            dimensions.Add(output[i]);
            mergedA.Add(aStrides[i]);
            mergedB.Add(bStrides[i]);
        }
        while (dimensions.Count < 2)
        {
            dimensions.Insert(0, 1);
            mergedA.Insert(0, 0);
            mergedB.Insert(0, 0);
        }
        return new BroadcastPlan(output, [.. dimensions], [.. mergedA], [.. mergedB]);
    }

    private static int Dimension(ReadOnlySpan<int> shape, int axis) => axis < 0 ? 1 : shape[axis];
}
