namespace WasmNN.Kernels;

/// <summary>The element types the kernel library computes on.</summary>
public enum ElementType
{
    /// <summary>32-bit IEEE float (<see cref="float"/>).</summary>
    Float32,
    /// <summary>32-bit two's-complement integer (<see cref="int"/>); arithmetic wraps.</summary>
    Int32,
    /// <summary>8-bit signed integer (<see cref="sbyte"/>); arithmetic saturates to [-128, 127].</summary>
    Int8,
}

/// <summary>Facts about an <see cref="ElementType"/>.</summary>
public static class ElementTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this ElementType type) => type switch
    {
        ElementType.Float32 or ElementType.Int32 => 4,
        ElementType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The suffix of kernel names for this type: <c>f32</c>, <c>i32</c> or <c>i8</c>.</summary>
    public static string Suffix(this ElementType type) => type switch
    {
        ElementType.Float32 => "f32",
        ElementType.Int32 => "i32",
        ElementType.Int8 => "i8",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The numpy dtype name: <c>float32</c>, <c>int32</c> or <c>int8</c> (as in a compiled model's metadata).</summary>
    public static string DTypeName(this ElementType type) => type switch
    {
        ElementType.Float32 => "float32",
        ElementType.Int32 => "int32",
        ElementType.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The element type of the .NET type <typeparamref name="T"/> (float, int or sbyte).</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is none of those.</exception>
    public static ElementType Of<T>() =>
        typeof(T) == typeof(float) ? ElementType.Float32
        : typeof(T) == typeof(int) ? ElementType.Int32
        : typeof(T) == typeof(sbyte) ? ElementType.Int8
        : throw new NotSupportedException($"the kernel library has no element type for {typeof(T).Name}; use float, int or sbyte");
}
