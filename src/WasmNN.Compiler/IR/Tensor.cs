using System.Runtime.InteropServices;

namespace WasmNN.Compiler.IR;

/// <summary>
/// A dense, row-major tensor: constants in the IR, inputs and outputs of the reference executor.
/// Storage is a typed array matching <see cref="DataType"/> (<see cref="DataTypeInfo.ClrType"/>: float[], Half[], BFloat16[], ulong[]...).
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
        _data = data;
        Length = data.Length;
    }

    private Tensor(DataType dataType, int[] shape, TensorFileRange source)
    {
        DataType = dataType;
        Shape = shape;
        Source = source;
        Length = Shapes.ElementCount(shape);
    }

    private Array? _data;

    /// <summary>
    /// A tensor whose little-endian bytes are <paramref name="source"/>, read when <see cref="Data"/> is first asked
    /// for; until then it holds no storage, and <see cref="WriteBytes"/> copies the file range straight to its stream
    /// (how the compiler streams weights from the ONNX file into the module).
    /// </summary>
    /// <exception cref="ArgumentException">The range's length does not match the shape and element type.</exception>
    public static Tensor FromFile(DataType dataType, int[] shape, TensorFileRange source)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(source);
        if (Array.Exists(shape, d => d < 0) || (long)Shapes.ElementCount(shape) * dataType.ByteSize() != source.Length)
        {
            throw new ArgumentException($"{source.Length} bytes do not hold {dataType} {Shapes.Format(shape)}", nameof(source));
        }
        return new Tensor(dataType, shape, source);
    }

    /// <summary>Element type.</summary>
    public DataType DataType { get; }

    /// <summary>Dimensions (do not mutate).</summary>
    public int[] Shape { get; }

    /// <summary>Typed storage array (read from <see cref="Source"/> on first use, then kept).</summary>
    public Array Data => _data ??= ReadData();

    /// <summary>The file range the elements come from, or null for a tensor built in memory.</summary>
    public TensorFileRange? Source { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>
    /// The elements, without keeping them: <see cref="Data"/> when it is in memory, else a fresh array read from
    /// <see cref="Source"/> that the caller owns (for one-off packing of large weights, which then need not stay
    /// in memory for the rest of the compilation).
    /// </summary>
    public Array ReadData()
    {
        if (_data is not null || Source is null)
        {
            return _data!;
        }
        var data = Array.CreateInstance(DataType.ClrType(), Length);
        if (DataType == DataType.Bool)
        {
            var bytes = new byte[Length];
            Source.ReadInto(0, bytes);
            var flags = (bool[])data;
            for (var i = 0; i < bytes.Length; i++)
            {
                flags[i] = bytes[i] != 0;
            }
        }
        else
        {
            Source.ReadInto(0, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), Length * DataType.ByteSize()));
        }
        return data;
    }

    /// <summary>
    /// Writes the elements' little-endian bytes (bool as 0 or 1) to <paramref name="destination"/>: straight from
    /// <see cref="Source"/> in small chunks when they are not in memory.
    /// </summary>
    public void WriteBytes(Stream destination)
    {
        if (_data is null && Source is not null && DataType != DataType.Bool)
        {
            Source.CopyTo(destination);
        }
        else if (DataType == DataType.String)
        {
            // A constant string tensor is its ABI buffer with the capacity it needs (StringTensorLayout).
            var buffer = new byte[ByteLength];
            StringTensorLayout.Write(AsStrings(), Length, StringBytes, buffer, ToString());
            destination.Write(buffer);
        }
        else if (DataType == DataType.Bool)
        {
            destination.Write([.. ((bool[])Data).Select(b => b ? (byte)1 : (byte)0)]);
        }
        else
        {
            destination.Write(AsBytes());
        }
    }

    /// <summary>Fills <paramref name="destination"/> with the raw bytes from <paramref name="byteOffset"/> on (not for bool), without reading the rest.</summary>
    public void ReadBytes(long byteOffset, Span<byte> destination)
    {
        if (_data is null && Source is not null)
        {
            Source.ReadInto(byteOffset, destination);
        }
        else
        {
            AsBytes().Slice(checked((int)byteOffset), destination.Length).CopyTo(destination);
        }
    }

    /// <summary>The number of bytes <see cref="WriteBytes"/> writes.</summary>
    public long ByteLength => DataType == DataType.String ? StringTensorLayout.BufferBytes(Length, StringBytes) : (long)Length * DataType.ByteSize();

    /// <summary>For a string tensor, the UTF-8 bytes of its elements together (the capacity its buffer needs); else 0.</summary>
    public int StringBytes => DataType == DataType.String ? StringTensorLayout.Utf8Length(AsStrings()) : 0;

    /// <summary>Rank (number of dimensions).</summary>
    public int Rank => Shape.Length;

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(DataType dataType, int[] shape)
    {
        var data = Array.CreateInstance(dataType.ClrType(), Shapes.ElementCount(shape));
        if (data is string[] strings)
        {
            // A string tensor's zero is the empty string (ONNX's default), never null.
            Array.Fill(strings, "");
        }
        return new(dataType, shape, data);
    }

    /// <summary>A string tensor over <paramref name="data"/>.</summary>
    public static Tensor FromStrings(int[] shape, string[] data) => new(DataType.String, shape, data);

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
    /// <exception cref="OperatorException">A string tensor (its elements have no fixed width: see <see cref="StringTensorLayout"/>).</exception>
    public Span<byte> AsBytes() => DataType == DataType.String
        ? throw new OperatorException("a string tensor has no fixed-width bytes (its buffer is an offset table and UTF-8)")
        : MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(Data), Data.Length * DataType.ByteSize());

    /// <summary>The string storage.</summary>
    public string[] AsStrings() => DataType == DataType.String ? (string[])Data : throw new OperatorException($"expected a string tensor, got {DataType}");

    /// <summary>The float32 storage.</summary>
    public float[] AsFloat32() => Data as float[] ?? throw new OperatorException($"expected a float32 tensor, got {DataType}");

    /// <summary>The float32 elements as <see cref="ReadData"/> gives them: read from the file and not kept when they are not in memory.</summary>
    public float[] ReadFloat32() => DataType == DataType.Float32 ? (float[])ReadData() : throw new OperatorException($"expected a float32 tensor, got {DataType}");

    /// <summary>The int64 storage.</summary>
    public long[] AsInt64() => DataType == DataType.Int64 ? (long[])Data : throw new OperatorException($"expected an int64 tensor, got {DataType}");

    /// <summary>Element <paramref name="index"/> as a double (bool is 0 or 1).</summary>
    /// <remarks>
    /// Every accessor switches on <see cref="DataType"/>, not on the array's type: the CLR lets a byte[] pass as sbyte[],
    /// a ushort[] as short[] and so on, so only the element type decides the sign.
    /// </remarks>
    public double GetDouble(int index) => DataType switch
    {
        DataType.Float32 => ((float[])Data)[index],
        DataType.Float64 => ((double[])Data)[index],
        DataType.Float16 => (double)((Half[])Data)[index],
        DataType.BFloat16 => (double)((BFloat16[])Data)[index],
        DataType.UInt64 => ((ulong[])Data)[index],
        DataType.String => throw new OperatorException("a string element is not a number"),
        _ => GetInt64(index),
    };

    /// <summary>Element <paramref name="index"/> as an int64 (floats truncate toward zero; uint64 keeps its bits).</summary>
    public long GetInt64(int index) => DataType switch
    {
        DataType.Int64 => ((long[])Data)[index],
        DataType.Int32 => ((int[])Data)[index],
        DataType.Int16 => ((short[])Data)[index],
        DataType.Int8 => ((sbyte[])Data)[index],
        DataType.UInt64 => (long)((ulong[])Data)[index],
        DataType.UInt32 => ((uint[])Data)[index],
        DataType.UInt16 => ((ushort[])Data)[index],
        DataType.UInt8 => ((byte[])Data)[index],
        DataType.Bool => ((bool[])Data)[index] ? 1 : 0,
        DataType.String => throw new OperatorException("a string element is not a number"),
        _ => (long)GetDouble(index),
    };

    /// <summary>Stores a double, converting to the element type (saturating nothing; as a C cast; float16 and bfloat16 round to nearest even).</summary>
    public void SetDouble(int index, double value)
    {
        switch (DataType)
        {
            case DataType.Float32: ((float[])Data)[index] = (float)value; break;
            case DataType.Float64: ((double[])Data)[index] = value; break;
            // int32 and int64 saturate (.NET's conversion, wasm's trunc_sat); narrower integers keep the int64's low bits.
            case DataType.Int32: ((int[])Data)[index] = (int)value; break;
            case DataType.Float16: ((Half[])Data)[index] = (Half)value; break;
            case DataType.BFloat16: ((BFloat16[])Data)[index] = (BFloat16)value; break;
            case DataType.Bool: ((bool[])Data)[index] = value != 0; break;
            case DataType.UInt64: ((ulong[])Data)[index] = value >= 9223372036854775808.0 ? (ulong)value : (ulong)(long)value; break;
            case DataType.String: throw new OperatorException("a number is not a string element");
            default: SetInt64(index, (long)value); break;
        }
    }

    /// <summary>Stores an int64, converting to the element type (integers keep their low bits).</summary>
    public void SetInt64(int index, long value)
    {
        switch (DataType)
        {
            case DataType.Int64: ((long[])Data)[index] = value; break;
            case DataType.Int32: ((int[])Data)[index] = (int)value; break;
            case DataType.Int16: ((short[])Data)[index] = (short)value; break;
            case DataType.Int8: ((sbyte[])Data)[index] = (sbyte)value; break;
            case DataType.UInt64: ((ulong[])Data)[index] = (ulong)value; break;
            case DataType.UInt32: ((uint[])Data)[index] = (uint)value; break;
            case DataType.UInt16: ((ushort[])Data)[index] = (ushort)value; break;
            case DataType.UInt8: ((byte[])Data)[index] = (byte)value; break;
            case DataType.Bool: ((bool[])Data)[index] = value != 0; break;
            case DataType.String: throw new OperatorException("a number is not a string element");
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
    public Tensor Reshape(int[] shape) => _data is null && Source is not null ? FromFile(DataType, shape, Source) : new(DataType, shape, Data);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor<{DataType}>[{Shapes.Format(Shape)}]";
}
