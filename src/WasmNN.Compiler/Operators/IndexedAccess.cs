using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>What the index-taking operators (GatherElements, GatherND, ScatterND) share in their reference evaluation.</summary>
internal static class IndexedAccess
{
    /// <summary>Rejects indices that are not int32 or int64.</summary>
    public static void RequireIndexType(Value indices)
    {
        if (indices.ElementType is not (DataType.Int32 or DataType.Int64))
        {
            throw new OperatorException($"indices must be int32 or int64, got {indices.ElementType}");
        }
    }

    /// <summary>The index made non-negative (ONNX counts negative indices from the end), or an error when outside the axis.</summary>
    public static int Resolve(long index, int extent, int axis)
    {
        if (index < -extent || index >= extent)
        {
            throw new OperatorException($"index {index} is out of range for axis {axis} of size {extent}");
        }
        return (int)(index < 0 ? index + extent : index);
    }

    /// <summary>Steps a row-major multi-index to the next position of <paramref name="shape"/>.</summary>
    public static void Advance(int[] position, int[] shape)
    {
        for (var d = position.Length - 1; d >= 0; d--)
        {
            if (++position[d] < shape[d])
            {
                return;
            }
            position[d] = 0;
        }
    }

    /// <summary>
    /// The element offset into data of <paramref name="indices"/>' element <paramref name="p"/> at <paramref name="position"/>:
    /// that position with its <paramref name="axis"/> coordinate replaced by the index (GatherElements, ScatterElements).
    /// <paramref name="position"/> is the caller's row-major walk (<see cref="Advance"/>).
    /// </summary>
    public static int ElementOffset(Tensor indices, int p, int[] position, int axis, int[] dataShape)
    {
        var strides = Shapes.Strides(dataShape);
        var offset = 0;
        for (var d = 0; d < position.Length; d++)
        {
            var coordinate = d == axis ? Resolve(indices.GetInt64(p), dataShape[d], d) : position[d];
            if (coordinate >= dataShape[d])
            {
                throw new OperatorException($"indices shape {Shapes.Format(indices.Shape)} exceeds data shape {Shapes.Format(dataShape)} on axis {d}");
            }
            offset += coordinate * strides[d];
        }
        return offset;
    }

    /// <summary>
    /// The element offset into data (of <paramref name="dataShape"/>) of the index tuple at <paramref name="tuple"/>
    /// in the last axis of <paramref name="indices"/>, addressing dimensions <paramref name="firstAxis"/> onwards.
    /// </summary>
    public static int TupleOffset(Tensor indices, int tuple, int[] dataShape, int firstAxis)
    {
        var k = indices.Shape[^1];
        var strides = Shapes.Strides(dataShape);
        var offset = 0;
        for (var j = 0; j < k; j++)
        {
            offset += Resolve(indices.GetInt64(tuple * k + j), dataShape[firstAxis + j], firstAxis + j) * strides[firstAxis + j];
        }
        return offset;
    }
}
