using WasmNN.Kernels.Frontend;

namespace WasmNN.Kernels;

/// <summary>
/// A dense row-major tensor of <typeparamref name="T"/> (<see cref="float"/>, <see cref="int"/> or <see cref="sbyte"/>)
/// stored in the linear memory of a <see cref="KernelLibrary"/>. Every operation calls one kernel of the library and
/// returns a new tensor; <see cref="Reshape"/> returns a view of the same storage.
/// </summary>
/// <remarks>
/// Binary operators broadcast as NumPy does. INT32 arithmetic wraps; INT8 arithmetic saturates to [-128, 127];
/// integer division truncates and traps (<see cref="Engine.WasmTrapException"/>) on a zero divisor.
/// </remarks>
/// <typeparam name="T">float, int or sbyte.</typeparam>
public sealed class WasmTensor<T> : IDisposable where T : unmanaged
{
    private readonly TensorStorage _storage;
    private readonly int[] _shape;
    private int _disposed;

    internal WasmTensor(KernelLibrary library, TensorStorage storage, int[] shape)
    {
        ElementType = ElementTypeExtensions.Of<T>();
        Library = library;
        _storage = storage;
        _shape = shape;
        long length = 1;
        foreach (int d in shape) length *= d;
        Length = checked((int)length);
        storage.AddReference();
    }

    /// <summary>The library whose memory holds the data.</summary>
    public KernelLibrary Library { get; }

    /// <summary>The element type.</summary>
    public ElementType ElementType { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>Row-major strides in elements: the last axis has stride 1.</summary>
    public int[] Strides
    {
        get
        {
            var strides = new int[_shape.Length];
            int stride = 1;
            for (int i = _shape.Length - 1; i >= 0; i--)
            {
                strides[i] = stride;
                stride *= _shape[i];
            }
            return strides;
        }
    }

    /// <summary>The byte address of the first element in linear memory.</summary>
    public int Address => _storage.Address;

    /// <summary>The data in linear memory; valid until the next allocation may grow the memory.</summary>
    internal Span<T> Span
    {
        get
        {
            ThrowIfDisposed();
            return Library.View<T>(Address, Length);
        }
    }

    internal int[] ShapeArray => _shape;

    /// <summary>A copy of the elements in row-major order.</summary>
    public T[] ToArray() => Span.ToArray();

    /// <summary>Copies the elements, row-major, to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<T> destination) => Span.CopyTo(destination);

    /// <summary>A view of the same data with another shape of the same size; one dimension may be -1 (inferred).</summary>
    /// <exception cref="ArgumentException">The sizes differ or more than one dimension is -1.</exception>
    public WasmTensor<T> Reshape(params int[] shape)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = (int[])shape.Clone();
        int inferred = Array.IndexOf(resolved, -1);
        if (inferred >= 0 && Array.LastIndexOf(resolved, -1) != inferred) throw new ArgumentException("at most one dimension may be -1", nameof(shape));
        long known = 1;
        for (int i = 0; i < resolved.Length; i++) if (i != inferred) known *= resolved[i];
        if (inferred >= 0 && known != 0 && Length % known == 0) resolved[inferred] = (int)(Length / known);
        long product = 1;
        foreach (int d in resolved) product *= d;
        if (product != Length || resolved.Any(d => d < 0))
        {
            throw new ArgumentException($"cannot reshape [{string.Join(", ", _shape)}] ({Length} elements) to [{string.Join(", ", shape)}]", nameof(shape));
        }
        return new WasmTensor<T>(Library, _storage, resolved);
    }

    /// <summary>Elementwise sum (broadcasting).</summary>
    public static WasmTensor<T> operator +(WasmTensor<T> a, WasmTensor<T> b) => a.Library.Binary(BinaryOperation.Add, a, b);

    /// <summary>Elementwise difference (broadcasting).</summary>
    public static WasmTensor<T> operator -(WasmTensor<T> a, WasmTensor<T> b) => a.Library.Binary(BinaryOperation.Sub, a, b);

    /// <summary>Elementwise product (broadcasting).</summary>
    public static WasmTensor<T> operator *(WasmTensor<T> a, WasmTensor<T> b) => a.Library.Binary(BinaryOperation.Mul, a, b);

    /// <summary>Elementwise quotient (broadcasting).</summary>
    public static WasmTensor<T> operator /(WasmTensor<T> a, WasmTensor<T> b) => a.Library.Binary(BinaryOperation.Div, a, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static WasmTensor<T> operator +(WasmTensor<T> a, T b) => a.Library.BinaryWithScalar(BinaryOperation.Add, a, b);

    /// <summary>Subtracts a scalar from every element.</summary>
    public static WasmTensor<T> operator -(WasmTensor<T> a, T b) => a.Library.BinaryWithScalar(BinaryOperation.Sub, a, b);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static WasmTensor<T> operator *(WasmTensor<T> a, T b) => a.Library.BinaryWithScalar(BinaryOperation.Mul, a, b);

    /// <summary>Divides every element by a scalar.</summary>
    public static WasmTensor<T> operator /(WasmTensor<T> a, T b) => a.Library.BinaryWithScalar(BinaryOperation.Div, a, b);

    /// <summary>A scalar plus every element.</summary>
    public static WasmTensor<T> operator +(T a, WasmTensor<T> b) => b.Library.ScalarWithBinary(BinaryOperation.Add, a, b);

    /// <summary>A scalar minus every element.</summary>
    public static WasmTensor<T> operator -(T a, WasmTensor<T> b) => b.Library.ScalarWithBinary(BinaryOperation.Sub, a, b);

    /// <summary>A scalar times every element.</summary>
    public static WasmTensor<T> operator *(T a, WasmTensor<T> b) => b.Library.ScalarWithBinary(BinaryOperation.Mul, a, b);

    /// <summary>A scalar divided by every element.</summary>
    public static WasmTensor<T> operator /(T a, WasmTensor<T> b) => b.Library.ScalarWithBinary(BinaryOperation.Div, a, b);

    /// <summary>Elementwise negation (INT8 saturates: -(-128) = 127).</summary>
    public static WasmTensor<T> operator -(WasmTensor<T> a) => a.Library.Unary(UnaryOperation.Neg, a);

    /// <summary>The elementwise larger of this and <paramref name="other"/> (broadcasting; FP32 propagates NaN).</summary>
    public WasmTensor<T> Maximum(WasmTensor<T> other) => Library.Binary(BinaryOperation.Max, this, other);

    /// <summary>The elementwise smaller of this and <paramref name="other"/> (broadcasting; FP32 propagates NaN).</summary>
    public WasmTensor<T> Minimum(WasmTensor<T> other) => Library.Binary(BinaryOperation.Min, this, other);

    /// <summary><c>max(x, 0)</c> elementwise.</summary>
    public WasmTensor<T> Relu() => Library.Unary(UnaryOperation.Relu, this);

    /// <summary><c>|x|</c> elementwise (INT8 saturates: |-128| = 127; INT32 wraps).</summary>
    public WasmTensor<T> Abs() => Library.Unary(UnaryOperation.Abs, this);

    /// <summary><c>-x</c> elementwise.</summary>
    public WasmTensor<T> Neg() => Library.Unary(UnaryOperation.Neg, this);

    /// <inheritdoc />
    public override string ToString() => $"WasmTensor<{typeof(T).Name}>[{string.Join(", ", _shape)}] at 0x{Address:X}";

    /// <summary>Releases the storage (freed when no reshaped view still uses it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _storage.Release(fromFinalizer: false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the storage of a tensor nobody disposed (an expression's temporary).</summary>
    ~WasmTensor()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _storage.Release(fromFinalizer: true);
    }

    internal void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Library.ThrowIfDisposed();
    }
}
