namespace WasmNN.Engine.Runtime;

/// <summary>
/// What <c>call_indirect</c> reads of a funcref table entry, inline in <see cref="WasmTable.Slots"/>: one load of
/// the type id to check (0 for a null entry: type ids start at 1), then the context and code pointer to call,
/// instead of loading the function object first and its fields after it.
/// </summary>
internal readonly struct FunctionSlot(WasmFunction function)
{
    // Fields, not properties: the IL compiler loads them with ldfld.
    internal readonly InstanceContext Context = function.Context;
    internal readonly nint CodePointer = function.CodePointer;
    internal readonly int TypeId = function.TypeId;
}
