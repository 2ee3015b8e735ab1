namespace WasmNN.Engine.Runtime;

/// <summary>
/// Out-of-line bodies of the bulk memory and table instructions. Parameters come in wasm stack order with the
/// context and immediates last, so generated code just pushes them; a false result means out of bounds and the
/// caller emits the trap (so the trap names the instruction's offset).
/// </summary>
internal static class BulkOperations
{
    internal static int MemoryGrow(int delta, InstanceContext context) => context.Memory!.Grow((uint)delta);

    internal static bool MemoryFill(int destination, int value, int count, InstanceContext context) =>
        context.Memory!.Fill(destination, value, count);

    internal static bool MemoryCopy(int destination, int source, int count, InstanceContext context) =>
        context.Memory!.Copy(destination, source, count);

    internal static bool MemoryInit(int destination, int source, int count, InstanceContext context, int segment) =>
        context.Memory!.Init(context.DataSegments[segment], destination, source, count);

    internal static void DataDrop(InstanceContext context, int segment) => context.DataSegments[segment] = [];

    internal static int TableGrow(object? initial, int delta, InstanceContext context, int table) =>
        context.Tables[table].Grow((uint)delta, initial);

    internal static bool TableFill(int index, object? value, int count, InstanceContext context, int table) =>
        context.Tables[table].Fill(index, value, count);

    internal static bool TableCopy(int destinationIndex, int sourceIndex, int count, InstanceContext context, int destination, int source) =>
        WasmTable.Copy(context.Tables[destination], destinationIndex, context.Tables[source], sourceIndex, count);

    internal static bool TableInit(int destination, int source, int count, InstanceContext context, int table, int segment) =>
        context.Tables[table].Init(context.ElementSegments[segment], destination, source, count);

    internal static void ElemDrop(InstanceContext context, int segment) => context.ElementSegments[segment] = [];
}
