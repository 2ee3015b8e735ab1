using System.Runtime.InteropServices;

namespace WasmNN.Compiler.IR;

/// <summary>
/// A dense, row-major tensor: constants in the IR, inputs and outputs of the reference executor.
/// Storage is a typed array matching <see cref="DataType"/> (float[], double[], long[], int[], sbyte[], byte[], bool[]).
/// </summary>
/// <remarks>Tensors are treated as immutable once they are in a graph; operators always allocate their outputs.</remarks>
public sealed class Tensor
{
    /// <summary>Creates a tensor over existing storage (not copied).</summary>
    /// <exception cref="ArgumentException">The array type or length does not match.</exception>
    public Tensor(DataType dataType, int[] shape, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (data.GetType().GetElementType() != dataType.ClrType())
        {
            throw new ArgumentException($"storage {data.GetType().Name} does not hold {dataType}", nameof(data));
        }
        if (Array.Exists(shape, d => d < 0) || Shapes.ElementCount(shape) != data.Length)
        {
            throw new ArgumentException($"shape {Shapes.Format(shape)} does not match {data.Length} elements", nameof(shape));
        }
        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    /// <summary>Element type.</summary>
    public DataType DataType { get; }

    /// <summary>Dimensions (do not mutate).</summary>
    public int[] Shape { get; }

    /// <summary>Typed storage array.</summary>
    public Array Data { get; }

    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>Rank (number of dimensions).</summary>
    public int Rank => Shape.Length;

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(DataType dataType, int[] shape) =>
        new(dataType, shape, Array.CreateInstance(dataType.ClrType(), Shapes.ElementCount(shape)));

    /// <summary>A float32 tensor over <paramref name="data"/>.</summary>
    public static Tensor FromFloats(int[] shape, float[] data) => new(DataType.Float32, shape, data);

    /// <summary>An int64 tensor over <paramref name="data"/>.</summary>
    public static Tensor FromInt64s(int[] shape, long[] data) => new(DataType.Int64, shape, data);

    /// <summary>A rank-0 float32 tensor.</summary>
    public static Tensor Scalar(float value) => FromFloats([], [value]);

    /// <summary>A tensor of any type filled from doubles (rounded/truncated as a C cast would).</summary>
    public static Tensor FromDoubles(DataType dataType, int[] shape, ReadOnlySpan<double> values)
    {
        var tensor = Zeros(dataType, shape);
        for (var i = 0; i < values.Length; i++)
        {
            tensor.SetDouble(i, values[i]);
        }
        return tensor;
    }

    /// <summary>The raw little-endian bytes of the elements (bool tensors are one byte each, as stored).</summary>
    public Span<byte> AsBytes() => Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        sbyte[] sb => MemoryMarshal.AsBytes(sb.AsSpan()),
        byte[] b => b.AsSpan(),
        bool[] bools => MemoryMarshal.AsBytes(bools.AsSpan()),
        _ => throw new InvalidOperationException($"no byte view for {DataType}"),
    };

    /// <summary>The float32 storage.</summary>
    public float[] AsFloat32() => Data as float[] ?? throw new OperatorException($"expected a float32 tensor, got {DataType}");

    /// <summary>The int64 storage.</summary>
    public long[] AsInt64() => Data as long[] ?? throw new OperatorException($"expected an int64 tensor, got {DataType}");

    /// <summary>Element <paramref name="index"/> as a double (bool is 0 or 1).</summary>
    public double GetDouble(int index) => Data switch
    {
        float[] f => f[index],
        double[] d => d[index],
        long[] l => l[index],
        int[] i => i[index],
        // The CLR lets a byte[] pass as sbyte[] (and back), so the element type decides the sign, not the pattern.
        byte[] b when DataType == DataType.UInt8 => b[index],
        sbyte[] s => s[index],
        bool[] b => b[index] ? 1 : 0,
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Element <paramref name="index"/> as an int64 (floats truncate toward zero).</summary>
    public long GetInt64(int index) => Data switch
    {
        long[] l => l[index],
        int[] i => i[index],
        byte[] b when DataType == DataType.UInt8 => b[index],
        sbyte[] s => s[index],
        bool[] b => b[index] ? 1 : 0,
        _ => (long)GetDouble(index),
    };

    /// <summary>Stores a double, converting to the element type (saturating nothing; as a C cast).</summary>
    public void SetDouble(int index, double value)
    {
        switch (Data)
        {
            case float[] f: f[index] = (float)value; break;
            case double[] d: d[index] = value; break;
            case long[] l: l[index] = (long)value; break;
            case int[] i: i[index] = (int)value; break;
            case sbyte[] s: s[index] = (sbyte)(long)value; break;
            case byte[] b: b[index] = (byte)(long)value; break;
            case bool[] b: b[index] = value != 0; break;
        }
    }

    /// <summary>Stores an int64, converting to the element type.</summary>
    public void SetInt64(int index, long value)
    {
        switch (Data)
        {
            case long[] l: l[index] = value; break;
            case int[] i: i[index] = (int)value; break;
            case sbyte[] s: s[index] = (sbyte)value; break;
            case byte[] b: b[index] = (byte)value; break;
            case bool[] b: b[index] = value != 0; break;
            default: SetDouble(index, value); break;
        }
    }

    /// <summary>Copies element <paramref name="from"/> of <paramref name="source"/> (same type) into element <paramref name="to"/>.</summary>
    public void CopyElement(Tensor source, int from, int to) => Array.Copy(source.Data, from, Data, to, 1);

    /// <summary>All elements as int64 (for shape, axes and index inputs).</summary>
    public long[] ToInt64Array()
    {
        var result = new long[Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = GetInt64(i);
        }
        return result;
    }

    /// <summary>All elements as doubles.</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = GetDouble(i);
        }
        return result;
    }

    /// <summary>A tensor sharing this storage with another shape of the same element count.</summary>
    public Tensor Reshape(int[] shape) => new(DataType, shape, Data);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor<{DataType}>[{Shapes.Format(Shape)}]";
}
