using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine;

/// <summary>
/// A table of references: <see cref="WasmFunction"/> (or null) for funcref tables, any object (or null) for
/// externref tables.
/// </summary>
public sealed class WasmTable
{
    // Read by generated code (table.get/size and the bounds check of table.set).
    internal object?[] Elements;

    /// <summary>
    /// A funcref table's entries as <see cref="FunctionSlot"/>s, read by call_indirect (empty for externref). Never
    /// changed in place: every change publishes a new array, so a call reads one consistent type id, context and
    /// code pointer even while another thread sets the entry (a torn slot would call code of another signature).
    /// Changes cost the table's length; C and C++ fill their tables once, at instantiation.
    /// </summary>
    internal FunctionSlot[] Slots = [];

    // Serialises changes, so Elements and Slots stay in step.
    private readonly Lock _gate = new();

    // Contexts of the instances whose table 0 this is, each with a copy of Slots (InstanceContext.Table0Slots).
    private readonly ContextUsers _users = new();

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
        PublishSlots();
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
            Store(index, value);
        }
    }

    /// <summary>table.set after its bounds check, and the indexer's setter.</summary>
    internal void Store(int index, object? value)
    {
        lock (_gate)
        {
            Elements[index] = value;
            PublishSlots();
        }
    }

    /// <summary>Rebuilds <see cref="Slots"/> from <see cref="Elements"/>; the caller holds the gate.</summary>
    private void PublishSlots()
    {
        if (ElementType != ValueType.FuncRef) return;
        var slots = new FunctionSlot[Elements.Length];
        for (int i = 0; i < slots.Length; i++)
        {
            if (Elements[i] is WasmFunction function) slots[i] = new FunctionSlot(function);
        }
        Volatile.Write(ref Slots, slots);
        _users.Update(CopySlotsTo);
    }

    /// <summary>For an instance whose table 0 this is: gives its context a copy of <see cref="Slots"/>, kept current.</summary>
    internal void AddTable0User(InstanceContext context) => _users.Add(context, CopySlotsTo);

    private void CopySlotsTo(InstanceContext context) => Volatile.Write(ref context.Table0Slots, Slots);

    /// <summary>Grows by <paramref name="delta"/> entries set to <paramref name="initial"/>.</summary>
    /// <returns>The old size, or -1 when the table cannot grow that far (as <c>table.grow</c>).</returns>
    public int Grow(uint delta, object? initial)
    {
        lock (_gate)
        {
            long oldCount = Elements.Length;
            long newCount = oldCount + delta;
            if (newCount > Math.Min(Maximum ?? uint.MaxValue, MaxElements)) return -1;
            var grown = new object?[newCount];
            Array.Copy(Elements, grown, oldCount);
            if (initial is not null) Array.Fill(grown, initial, (int)oldCount, (int)delta);
            Elements = grown;
            PublishSlots();
            return (int)oldCount;
        }
    }

    // ---- Bulk operations called by generated code: false means out of bounds (the caller traps). ----

    internal bool Fill(int index, object? value, int count)
    {
        lock (_gate)
        {
            if ((ulong)(uint)index + (uint)count > (ulong)Elements.Length) return false;
            Array.Fill(Elements, value, index, count);
            PublishSlots();
            return true;
        }
    }

    internal static bool Copy(WasmTable destination, int destinationIndex, WasmTable source, int sourceIndex, int count)
    {
        lock (destination._gate)
        {
            if ((ulong)(uint)destinationIndex + (uint)count > (ulong)destination.Elements.Length
                || (ulong)(uint)sourceIndex + (uint)count > (ulong)source.Elements.Length) return false;
            Array.Copy(source.Elements, sourceIndex, destination.Elements, destinationIndex, count);
            destination.PublishSlots();
            return true;
        }
    }

    internal bool Init(object?[] segment, int destination, int source, int count)
    {
        lock (_gate)
        {
            if ((ulong)(uint)destination + (uint)count > (ulong)Elements.Length || (ulong)(uint)source + (uint)count > (ulong)segment.Length) return false;
            Array.Copy(segment, source, Elements, destination, count);
            PublishSlots();
            return true;
        }
    }
}
