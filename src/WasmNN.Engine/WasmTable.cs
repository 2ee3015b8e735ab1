using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine;

/// <summary>
/// A table of references: <see cref="WasmFunction"/> (or null) for funcref tables, any object (or null) for
/// externref tables.
/// </summary>
public sealed class WasmTable
{
    // Read by generated code (call_indirect, table.get/set).
    internal object?[] Elements;

    /// <summary>Creates a table of <paramref name="minimum"/> null entries.</summary>
    /// <param name="elementType">funcref or externref.</param>
    /// <param name="minimum">Initial size.</param>
    /// <param name="maximum">Largest size, or null for unbounded.</param>
    /// <param name="initial">Value for the initial entries.</param>
    public WasmTable(ValueType elementType, uint minimum, uint? maximum = null, object? initial = null)
    {
        if (!elementType.IsReference()) throw new ArgumentException("a table holds funcref or externref", nameof(elementType));
        if (minimum > MaxElements) throw new ArgumentOutOfRangeException(nameof(minimum), $"table of {minimum} elements is over the limit of {MaxElements}");
        ElementType = elementType;
        Maximum = maximum;
        Elements = new object?[minimum];
        if (initial is not null) Array.Fill(Elements, initial);
    }

    /// <summary>The most elements any table may hold in this engine.</summary>
    public const uint MaxElements = 10_000_000;

    /// <summary>funcref or externref.</summary>
    public ValueType ElementType { get; }

    /// <summary>The declared maximum, or null.</summary>
    public uint? Maximum { get; }

    /// <summary>Current number of elements.</summary>
    public int Count => Elements.Length;

    /// <summary>Reads an element.</summary>
    public object? this[int index]
    {
        get => Elements[index];
        set
        {
            if (ElementType == ValueType.FuncRef && value is not null and not WasmFunction)
            {
                throw new ArgumentException("a funcref table holds WasmFunction or null", nameof(value));
            }
            Elements[index] = value;
        }
    }

    /// <summary>Grows by <paramref name="delta"/> entries set to <paramref name="initial"/>.</summary>
    /// <returns>The old size, or -1 when the table cannot grow that far (as <c>table.grow</c>).</returns>
    public int Grow(uint delta, object? initial)
    {
        long oldCount = Elements.Length;
        long newCount = oldCount + delta;
        if (newCount > Math.Min(Maximum ?? uint.MaxValue, MaxElements)) return -1;
        var grown = new object?[newCount];
        Array.Copy(Elements, grown, oldCount);
        if (initial is not null) Array.Fill(grown, initial, (int)oldCount, (int)delta);
        Elements = grown;
        return (int)oldCount;
    }

    // ---- Bulk operations called by generated code: false means out of bounds (the caller traps). ----

    internal bool Fill(int index, object? value, int count)
    {
        if ((ulong)(uint)index + (uint)count > (ulong)Elements.Length) return false;
        Array.Fill(Elements, value, index, count);
        return true;
    }

    internal static bool Copy(WasmTable destination, int destinationIndex, WasmTable source, int sourceIndex, int count)
    {
        if ((ulong)(uint)destinationIndex + (uint)count > (ulong)destination.Elements.Length
            || (ulong)(uint)sourceIndex + (uint)count > (ulong)source.Elements.Length) return false;
        Array.Copy(source.Elements, sourceIndex, destination.Elements, destinationIndex, count);
        return true;
    }

    internal bool Init(object?[] segment, int destination, int source, int count)
    {
        if ((ulong)(uint)destination + (uint)count > (ulong)Elements.Length || (ulong)(uint)source + (uint)count > (ulong)segment.Length) return false;
        Array.Copy(segment, source, Elements, destination, count);
        return true;
    }
}
