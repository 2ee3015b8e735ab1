using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Loops shared by the reference evaluations: broadcasting maps and index arithmetic.</summary>
internal static class ReferenceMath
{
    /// <summary>
    /// For each output element of the broadcast of <paramref name="shapes"/>, the flat index into each input:
    /// calls <paramref name="visit"/>(outputIndex, inputIndices).
    /// </summary>
    public static int[] ForEachBroadcast(IReadOnlyList<int[]> shapes, Action<int, int[]> visit)
    {
        var outShape = shapes.Aggregate(Array.Empty<int>(), Shapes.Broadcast);
        var strides = shapes.Select(s => Shapes.BroadcastStrides(s, outShape)).ToArray();
        var count = Shapes.ElementCount(outShape);
        var rank = outShape.Length;
        var counter = new int[rank];
        var offsets = new int[shapes.Count];
        for (var o = 0; o < count; o++)
        {
            visit(o, offsets);
            // Odometer increment: update each input's offset incrementally.
            for (var d = rank - 1; d >= 0; d--)
            {
                counter[d]++;
                for (var k = 0; k < offsets.Length; k++)
                {
                    offsets[k] += strides[k][d];
                }
                if (counter[d] < outShape[d])
                {
                    break;
                }
                for (var k = 0; k < offsets.Length; k++)
                {
                    offsets[k] -= strides[k][d] * outShape[d];
                }
                counter[d] = 0;
            }
        }
        return outShape;
    }

    /// <summary>Applies a unary function elementwise, keeping the element type.</summary>
    public static Tensor Map(Tensor x, Func<double, double> onFloat, Func<long, long>? onInteger)
    {
        var result = Tensor.Zeros(x.DataType, x.Shape);
        if (x.DataType.IsFloat() || onInteger is null)
        {
            for (var i = 0; i < x.Length; i++)
            {
                result.SetDouble(i, onFloat(x.GetDouble(i)));
            }
        }
        else
        {
            for (var i = 0; i < x.Length; i++)
            {
                result.SetInt64(i, onInteger(x.GetInt64(i)));
            }
        }
        return result;
    }

    /// <summary>Applies a binary function with numpy broadcasting; integers use the integer function when given.</summary>
    public static Tensor Zip(Tensor a, Tensor b, DataType resultType, Func<double, double, double> onFloat, Func<long, long, long>? onInteger)
    {
        var outShape = Shapes.Broadcast(a.Shape, b.Shape);
        var result = Tensor.Zeros(resultType, outShape);
        var useInteger = onInteger is not null && !a.DataType.IsFloat() && !b.DataType.IsFloat();
        ForEachBroadcast([a.Shape, b.Shape], (o, idx) =>
        {
            if (useInteger)
            {
                result.SetInt64(o, onInteger!(a.GetInt64(idx[0]), b.GetInt64(idx[1])));
            }
            else
            {
                result.SetDouble(o, onFloat(a.GetDouble(idx[0]), b.GetDouble(idx[1])));
            }
        });
        return result;
    }

    /// <summary>Multi-index of flat <paramref name="index"/> in <paramref name="shape"/>.</summary>
    public static void Unravel(int index, int[] shape, int[] coords)
    {
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            coords[d] = index % shape[d];
            index /= shape[d];
        }
    }

    /// <summary>Integer shape/axes data from a constant input value, or null when the input is not constant.</summary>
    public static long[]? ConstantInts(Value? value) => value?.Constant?.ToInt64Array();

    /// <summary>Converts a long list of dims to an int shape with a clear error on overflow.</summary>
    public static int[] ToShape(IEnumerable<long> dims) => [.. dims.Select(d => d is < int.MinValue or > int.MaxValue ? throw new OperatorException($"dimension {d} is too large") : (int)d)];
}
